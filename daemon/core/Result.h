// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace backline {

/// Which subsystem an error comes from; callers branch on it, people read the message.
enum class ErrorCode {
    Session,   ///< the session file is malformed or inconsistent
    Faust,     ///< a DSP failed to compile or does not fit where it is used
    Io,        ///< a file or directory could not be read or written
    Jack,      ///< the JACK server refused or is unreachable
    Osc,       ///< the OSC server could not start
    Param,     ///< an unknown parameter or a bad value
    Engine,    ///< the engine could not take a change (queue full, limits)
    Midi,      ///< a MIDI mapping or device
};

/// A failure with a message written for a person at 2 am: what, where, what to try.
struct Error {
    ErrorCode code;
    std::string message;
};

/// Either a value or an Error; shaped like std::expected so it is a rename away from C++23.
template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value)
        : v_(std::move(value))
    {
    }
    Result(Error error)
        : v_(std::move(error))
    {
    }

    bool has_value() const noexcept { return v_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }
    T& value() & { return std::get<0>(v_); }
    const T& value() const& { return std::get<0>(v_); }
    T&& value() && { return std::get<0>(std::move(v_)); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Error& error() const& { return std::get<1>(v_); }

private:
    std::variant<T, Error> v_;
};

/// Result of an operation that yields nothing but can fail.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error)
        : error_(std::move(error))
        , failed_(true)
    {
    }
    bool has_value() const noexcept { return !failed_; }
    explicit operator bool() const noexcept { return !failed_; }
    const Error& error() const& { return error_; }

private:
    Error error_ {ErrorCode::Engine, {}};
    bool failed_ = false;
};

/// Shorthand for returning a failure.
inline Error makeError(ErrorCode code, std::string message)
{
    return Error {code, std::move(message)};
}

} // namespace backline
