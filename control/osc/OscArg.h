// SPDX-License-Identifier: GPL-3.0-or-later
// Reading a received OSC argument (an lo_arg*) without undefined behaviour.
#pragma once

#include <lo/lo.h>

#include <cstring>
#include <type_traits>

namespace backline::control {

/// The value of a numeric argument: `oscArg<std::int32_t>` for 'i', `<std::int64_t>` for 'h',
/// `<float>` for 'f', `<double>` for 'd', `<lo_timetag>` for 't'; the caller checks the type tag.
///
/// liblo's argv pointers point into the message's bytes at OSC's 4-byte alignment, while
/// lo_arg is a union with 8-byte members (h, d): reading any member through one (`argv[i]->d`,
/// `argv[i]->i` too, since the access goes through the union) is undefined behaviour, which
/// UBSan's alignment check reports. Copying the bytes has no alignment to respect.
template <typename T>
    requires std::is_trivially_copyable_v<T> && (sizeof(T) <= sizeof(lo_arg))
T oscArg(const lo_arg* arg)
{
    T value;
    std::memcpy(&value, static_cast<const void*>(arg), sizeof value);
    return value;
}

/// The text of an 's' or 'S' argument: the NUL-terminated chars the pointer points at, which
/// need no alignment (unlike `&argv[i]->s`, a member access through the misaligned union).
inline const char* oscArgString(const lo_arg* arg) { return reinterpret_cast<const char*>(arg); }

} // namespace backline::control
