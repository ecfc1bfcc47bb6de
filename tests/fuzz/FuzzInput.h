// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace backline::fuzz {

/// Reads a fuzzer's bytes as a stream of values; past the end every read yields zeros, so a
/// harness never has to check the length.
class FuzzInput {
public:
    FuzzInput(const std::uint8_t* data, std::size_t size)
        : data_(data)
        , size_(size)
    {
    }

    std::uint8_t byte() noexcept { return pos_ < size_ ? data_[pos_++] : 0; }

    /// sizeof(T) bytes as a T (any bit pattern: NaN, infinities and denormals included).
    template <typename T>
    T value() noexcept
    {
        unsigned char raw[sizeof(T)] {};
        for (auto& b : raw)
            b = byte();
        T out;
        std::memcpy(&out, raw, sizeof(T));
        return out;
    }

    /// Up to maxLength bytes (length from the input) as a string; may hold any byte but NUL.
    std::string text(std::size_t maxLength)
    {
        const std::size_t length = byte() % (maxLength + 1);
        std::string out;
        for (std::size_t i = 0; i < length && pos_ < size_; ++i) {
            const char c = char(byte());
            out.push_back(c == '\0' ? ' ' : c);
        }
        return out;
    }

    const std::uint8_t* rest() const noexcept { return data_ + pos_; }
    std::size_t remaining() const noexcept { return size_ - pos_; }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t pos_ = 0;
};

} // namespace backline::fuzz
