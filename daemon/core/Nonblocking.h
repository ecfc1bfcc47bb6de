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
