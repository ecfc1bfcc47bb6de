#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# scripts/install into a folder (--root) and back out (--uninstall): every file lands, the
# units pass `systemd-analyze verify` without a word, a changed setting survives a re-install and
# an uninstall, and nothing else is left behind.
# Usage: tests/systemd/install-test.sh BUILD_DIR
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
export BUILD_DIR=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
fail() { echo "FAIL: $*" >&2; exit 1; }

"$src/scripts/install" --root "$root" >"$work/install.log"
for f in /usr/local/bin/backlined /usr/local/bin/backline /usr/local/libexec/backline/backline-yaml-trial \
    /etc/systemd/system/backlined.service /etc/systemd/system/backline-jackd.service \
    /etc/backline/backlined.env /etc/backline/jackd.env /var/lib/backline/session.yaml \
    /var/lib/backline/dsp/chimes.dsp /usr/local/share/backline/sessions/demo.yaml \
    /usr/local/share/doc/backline/systemd/README.md; do
    [[ -f $root$f ]] || fail "$f was not installed: $(cat "$work/install.log")"
done
"$root/usr/local/bin/backlined" --version | grep -q '^backlined ' || fail "the installed backlined does not run"
grep -q '@[A-Z]*@' "$root"/etc/systemd/system/*.service && fail "a placeholder was left in a unit"

# systemd-analyze checks the executables exist where the units say: point them at the folder.
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (scripts/setup-deps installs systemd)"
mkdir "$work/units"
for unit in backlined.service backline-jackd.service; do
    sed "s|/usr/local/|$root/usr/local/|g" "$root/etc/systemd/system/$unit" >"$work/units/$unit"
done
if ! out=$(systemd-analyze verify "$work/units/backlined.service" "$work/units/backline-jackd.service" 2>&1) \
    || [[ -n $out ]]; then
    fail "systemd-analyze verify: $out"
fi
echo "systemd-analyze verify: both units pass without a warning"

# A setting changed by hand is the user's: a re-install keeps it, an uninstall too.
echo "JACK_DRIVER=dummy" >>"$root/etc/backline/jackd.env"
"$src/scripts/install" --root "$root" >"$work/reinstall.log"
grep -q '^JACK_DRIVER=dummy$' "$root/etc/backline/jackd.env" || fail "a re-install overwrote a changed setting"
grep -q 'kept /etc/backline/jackd.env' "$work/reinstall.log" || fail "a re-install did not say it kept the setting"
"$src/scripts/install" --uninstall --root "$root" >"$work/uninstall.log"
grep -q 'kept /etc/backline/jackd.env' "$work/uninstall.log" || fail "the uninstall did not name the setting it kept: $(cat "$work/uninstall.log")"
left=$(cd "$root" && find . -type f | sort)
[[ $left == "./etc/backline/jackd.env" ]] || fail "the uninstall left behind: $left"
echo "install, re-install and uninstall: only the changed setting is left"
