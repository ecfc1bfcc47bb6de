// SPDX-License-Identifier: GPL-3.0-or-later
// PortPatterns: the patterns that pick which MIDI ports to open, compiled once and matched
// against port names as RtMidi reports them. Owned and used by one thread ([control]).
#pragma once

#include "core/Result.h"

#include <memory>
#include <regex.h>
#include <string>
#include <string_view>
#include <vector>

namespace backline::control::midi {

/// A list of POSIX extended regular expressions (regcomp, REG_EXTENDED | REG_NOSUB), each
/// matched against a port's WHOLE name: "Launchpad.*" matches "Launchpad Mini:Launchpad Mini
/// MIDI 1 24:0" but "Launchpad" does not. A name matches the list when it matches one of them.
/// Implemented by compiling "^(pattern)$", so a back-reference \N counts that extra group
/// (\1 is the whole pattern): port patterns have no use for them. A port name full of regex
/// characters (a2jmidid's "a2j:Keystation [20] (capture): Keystation MIDI 1") is matched
/// exactly by escaping them ("a2j:Keystation \[20\] \(capture\).*") or by a looser pattern.
class PortPatterns {
public:
    /// An empty list: matches no port.
    PortPatterns() = default;

    /// [control] Compiles patterns; an error names the first bad one, regerror's reason and
    /// what (e.g. "MIDI input pattern").
    static Result<PortPatterns> compile(const std::vector<std::string>& patterns, std::string_view what);

    /// [control] Whether name matches one of the patterns, whole.
    bool matches(const std::string& name) const noexcept;

    /// The patterns as written.
    const std::vector<std::string>& patterns() const noexcept { return patterns_; }

private:
    /// Frees a regex_t made by regcomp.
    struct Free {
        void operator()(regex_t* re) const noexcept;
    };
    std::vector<std::string> patterns_;
    std::vector<std::unique_ptr<regex_t, Free>> compiled_; // a regex_t stays where regcomp put it
};

} // namespace backline::control::midi
