#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes the OSC fuzzer's seed corpus (tests/fuzz/corpus/osc). Seeds are committed; run this
# again only to change them. Byte 0 of each seed picks the harness's mode (OscFuzzer.cpp):
# 0 = raw packet, 2 = message built from a table address, 3 = bundle of such messages,
# 4 = TCP stream (byte 1: where the stream is cut between two reads).
import os
import struct

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "corpus", "osc")
os.makedirs(out, exist_ok=True)


def pad(b):
    return b + b"\0" * (4 - len(b) % 4)


def osc_string(s):
    return pad(s.encode() if isinstance(s, str) else s)


def message(address, *args):
    types, data = ",", b""
    for a in args:
        if isinstance(a, tuple):
            t, v = a
            types += t
            if t == "i":
                data += struct.pack(">i", v)
            elif t == "f":
                data += struct.pack(">f", v)
            elif t == "d":
                data += struct.pack(">d", v)
            elif t == "h":
                data += struct.pack(">q", v)
            elif t in "sS":
                data += osc_string(v)
            elif t == "b":
                data += struct.pack(">i", len(v)) + v + b"\0" * ((4 - len(v) % 4) % 4)
            elif t == "m":
                data += v
            elif t == "t":
                data += struct.pack(">Q", v)
            elif t == "c":
                data += struct.pack(">i", v)
        else:
            types += a  # T F N I: no data
    return osc_string(address) + osc_string(types) + data


def bundle(timetag, *elements):
    body = b"#bundle\0" + struct.pack(">Q", timetag)
    for e in elements:
        body += struct.pack(">i", len(e)) + e
    return body


IMMEDIATE = 1
raw = {
    "ping": message("/ping"),
    "get-gain": message("/track/tone/gain"),
    "set-gain-f": message("/track/tone/gain", ("f", -6.0)),
    "set-gain-d": message("/track/drone/gain", ("d", -12.5)),
    "set-gain-i": message("/master/gain", ("i", -3)),
    "set-gain-h": message("/track/vox/gain", ("h", 2)),
    "mute-true": message("/track/vox/mute", "T"),
    "mute-false": message("/track/vox/mute", "F"),
    "mute-half": message("/track/tone/mute", ("f", 0.5)),
    "pan": message("/track/vox/pan", ("f", 0.75)),
    "dsp-freq": message("/track/tone/dsp/freq", ("f", 20000.0)),
    "dsp-drone-root": message("/track/drone/dsp/root", ("i", 41)),
    "jit-amp": message("/track/keys/dsp/osc/amp", ("f", 0.25)),
    "jit-gate": message("/track/keys/dsp/gate", ("i", 1)),
    "jit-shape": message("/track/keys/dsp/shape", ("f", 0.6)),
    "limiter": message("/master/limiter/ceiling", ("f", -24.0)),
    "bypass": message("/master/limiter/bypass", ("i", 1)),
    "nan": message("/track/tone/gain", ("f", float("nan"))),
    "inf": message("/track/tone/gain", ("d", float("inf"))),
    "string-arg": message("/track/tone/gain", ("s", "loud")),
    "blob-arg": message("/track/tone/gain", ("b", b"\x01\x02\x03")),
    "two-args": message("/track/tone/gain", ("f", 1.0), ("f", 2.0)),
    "nil-inf": message("/track/tone/gain", "N", "I"),
    "midi": message("/track/tone/gain", ("m", b"\x90\x40\x7f\x00")),
    "timetag": message("/track/tone/gain", ("t", 0x0123456789ABCDEF)),
    "char": message("/track/tone/gain", ("c", 65)),
    "typo": message("/track/tone/gian", ("f", -1.0)),
    "unknown": message("/nowhere"),
    "state": message("/state"),
    "status": message("/status"),
    "status-arg": message("/status", ("i", 1)),
    "reload": message("/session/reload"),
    # The fuzz target refuses every save (EngineTarget::saveSession): no seed writes a file.
    "save": message("/session/save"),
    "save-path": message("/session/save", ("s", "elsewhere.yaml")),
    "save-bad": message("/session/save", ("i", 1), ("s", "x")),
    "no-typetag": osc_string("/ping"),
    "truncated": message("/track/tone/gain", ("f", 1.0))[:-2],
    "bundle": bundle(IMMEDIATE, message("/track/tone/gain", ("f", -1.0)), message("/ping")),
    "bundle-nested": bundle(IMMEDIATE, bundle(IMMEDIATE, message("/master/gain", ("f", -2.0))), message("/state")),
    "bundle-future": bundle(0xFFFFFFFF00000000, message("/track/tone/gain", ("f", -9.0))),
    "bundle-bad-size": b"#bundle\0" + struct.pack(">Q", IMMEDIATE) + struct.pack(">i", 4096) + message("/ping"),
    # The live server's bounds (issue 16): a one-shot long subscription, from a throwaway port
    # (the harness sends a datagram from one when (first byte ^ size) % 8 == 7: 24 bytes here);
    # a long meter subscription; a thousand /state in one bundle, far past the reply budget.
    "subscribe-throwaway": message("/subscribe", ("f", 3600.0), ("f", 50.0)),
    "meters-subscribe-long": message("/meters/subscribe", ("f", 100.0), ("s", "levels"), ("f", 3600.0)),
    "bundle-thousand-state": bundle(IMMEDIATE, *[message("/state")] * 1000),
    # The transport (issue 10): every request, good and bad values, a bundle of them.
    "transport-play": message("/transport/play"),
    "transport-stop": message("/transport/stop"),
    "transport-position": message("/transport/position"),
    "transport-locate-seconds": message("/transport/locate", ("f", 12.5)),
    "transport-locate-bar": message("/transport/locate", ("s", "17.3")),
    "transport-locate-bad": message("/transport/locate", ("s", "0.x")),
    "transport-locate-negative": message("/transport/locate", ("d", -1.0)),
    "transport-tempo-glide": message("/transport/tempo", ("f", 96.0), ("f", 4.0)),
    "transport-tempo-zero": message("/transport/tempo", ("f", 0.0)),
    "transport-tempo-get": message("/transport/tempo"),
    "transport-meter": message("/transport/meter", ("i", 7), ("i", 8)),
    "transport-meter-bad": message("/transport/meter", ("i", 4), ("i", 3)),
    "transport-bundle": bundle(IMMEDIATE, message("/transport/tempo", ("f", 140.0)), message("/transport/play"),
                               message("/transport/locate", ("s", "2.1")), message("/track/tone/gain", ("f", -3.0))),
    # Scenes (issue 10): every request, good and bad values, a bundle of them.
    "scene-store": message("/scene/store", ("s", "mine")),
    "scene-store-scope": message("/scene/store", ("s", "half"), ("s", "/track/tone/*"), ("s", "vox"), ("s", "/bus/*/dsp")),
    "scene-store-nothing": message("/scene/store", ("s", "x"), ("s", "/track/zz/*")),
    "scene-recall": message("/scene/recall", ("s", "verse")),
    "scene-recall-fade-bar": message("/scene/recall", ("s", "chorus"), ("f", 2.0), ("s", "bar")),
    "scene-recall-beat": message("/scene/recall", ("s", "verse"), ("s", "beat")),
    "scene-recall-bad-fade": message("/scene/recall", ("s", "verse"), ("f", -1.0)),
    "scene-recall-bad-when": message("/scene/recall", ("s", "verse"), ("d", 1.0), ("s", "later")),
    "scene-recall-unknown": message("/scene/recall", ("s", "vrese")),
    "scene-list": message("/scene/list"),
    "scene-get": message("/scene/get", ("s", "verse")),
    "scene-delete": message("/scene/delete", ("s", "chorus")),
    "scene-rename": message("/scene/rename", ("s", "verse"), ("s", "verse 2")),
    "scene-undo": message("/scene/undo"),
    "scene-current": message("/scene/current"),
    "scene-edit": message("/scene/edit", ("s", "verse"), ("s", "/track/tone/pan"), ("f", 0.25)),
    "scene-edit-bad": message("/scene/edit", ("s", "verse"), ("s", "/track/tone/gain"), ("f", 99.0)),
    "scene-safe": message("/scene/safe", ("s", "/track/tone/gain"), ("i", 1)),
    "scene-safe-list": message("/scene/safe"),
    "scene-bundle": bundle(IMMEDIATE, message("/scene/store", ("s", "b")), message("/track/tone/gain", ("f", -9.0)),
                           message("/scene/recall", ("s", "b"), ("f", 0.1)), message("/scene/undo")),
    # Songs (issue 10): every request, good and bad, and a bundle of them.
    "setlist-goto": message("/setlist/goto", ("s", "opener")),
    "setlist-goto-place": message("/setlist/goto", ("i", 1), ("s", "section")),
    "setlist-goto-bad": message("/setlist/goto", ("s", "encore"), ("s", "later")),
    "setlist-next": message("/setlist/next", ("s", "bar")),
    "setlist-prev": message("/setlist/prev"),
    "arrangement-next": message("/arrangement/next", ("s", "beat")),
    "arrangement-prev": message("/arrangement/prev", ("s", "now")),
    "arrangement-goto": message("/arrangement/goto", ("s", "chorus"), ("s", "section")),
    "arrangement-loop": message("/arrangement/loop", ("i", 1)),
    "arrangement-loop-bad": message("/arrangement/loop", ("f", 0.5)),
    "arrangement-status": message("/arrangement/status"),
    "arrangement-bundle": bundle(IMMEDIATE, message("/setlist/goto", ("i", 0), ("s", "now")), message("/transport/play"),
                                 message("/arrangement/goto", ("s", "chorus"), ("s", "beat")),
                                 message("/arrangement/loop", ("i", 1))),
}
for name, packet in raw.items():
    with open(os.path.join(out, "raw-" + name), "wb") as f:
        f.write(b"\x00" + packet)

# Structured seeds: mode, address pick (2 bytes), edit byte, argc selector, argument bytes.
structured = {
    "first-param-get": bytes([2, 0, 0, 0, 0, 0]),
    "param-float": bytes([2, 0, 3, 0, 0, 1, 1]) + struct.pack("<f", 0.5),
    "param-edge-max": bytes([2, 0, 5, 0, 0, 1, 14, 1]),
    "param-edge-above": bytes([2, 0, 7, 0, 0, 1, 15, 4]),
    "param-edge-nan": bytes([2, 0, 9, 0, 0, 1, 15, 10]),
    "address-edit": bytes([2, 0, 2, 0x81, 3, ord("x"), 0, 0]),
    "bundle-three": bytes([3, 2, 0, 1, 0, 0, 1, 14, 0, 0, 4, 0, 0, 0, 0, 8, 0, 0, 0]),
}
for name, data in structured.items():
    with open(os.path.join(out, "built-" + name), "wb") as f:
        f.write(data)

# TCP streams: length-prefixed (OSC 1.0) and SLIP (OSC 1.1) framing, several packets each.
def prefixed(*packets):
    return b"".join(struct.pack(">i", len(p)) + p for p in packets)


def slip(*packets):
    out = b""
    for p in packets:
        out += b"\xc0" + p.replace(b"\xdb", b"\xdb\xdd").replace(b"\xc0", b"\xdb\xdc") + b"\xc0"
    return out


streams = {
    "prefixed": prefixed(message("/ping"), message("/track/tone/gain", ("f", -3.0))),
    "prefixed-bundle": prefixed(bundle(IMMEDIATE, message("/master/gain", ("f", -1.0)))),
    "prefixed-oversize": struct.pack(">i", 1 << 24) + message("/ping"),
    "slip": slip(message("/ping"), message("/track/vox/pan", ("f", 0.5))),
    "slip-escapes": slip(message("/track/tone/gain", ("f", struct.unpack(">f", b"\xc0\xdb\x00\x00")[0]))),
}
for name, data in streams.items():
    with open(os.path.join(out, "tcp-" + name), "wb") as f:
        f.write(bytes([4, 7]) + data)
