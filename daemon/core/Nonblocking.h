// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/// Marks a function that runs on the audio thread: clang (>= 20) then proves with
/// -Wfunction-effects, and RealtimeSanitizer checks at run time, that it never allocates,
/// locks, blocks or throws. Place it after `noexcept`: `void f() noexcept BACKLINE_NONBLOCKING;`
#if defined(__clang__) && __clang_major__ >= 20
#define BACKLINE_NONBLOCKING [[clang::nonblocking]]
#else
#define BACKLINE_NONBLOCKING
#endif

/// Wraps a call from audio-thread code into code clang cannot see into (a C library such as
/// libjack, Faust's virtual dsp::compute) after a person has read that code and found that it
/// never allocates, locks, blocks or throws. Every use carries a comment saying what was
/// audited. Only the compile-time proof is waived: RealtimeSanitizer still checks the call at
/// run time (the rtsan preset). Usage: `auto* b = BACKLINE_AUDITED_NONBLOCKING(jack_port_get_buffer(p, n));`
#if defined(__clang__)
#define BACKLINE_AUDITED_NONBLOCKING(...)                                                                  \
    _Pragma("clang diagnostic push") _Pragma("clang diagnostic ignored \"-Wfunction-effects\"") __VA_ARGS__ \
        _Pragma("clang diagnostic pop")
#else
#define BACKLINE_AUDITED_NONBLOCKING(...) __VA_ARGS__
#endif
