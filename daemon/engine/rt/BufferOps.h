// SPDX-License-Identifier: GPL-3.0-or-later
// The audio thread's arithmetic on planar buffers: copy, clear, scale, sum, fit channel counts.
// Runs in the process callback (and in the offline renderer, which shares its code).
#pragma once

#include "core/Nonblocking.h"

#include <cstdint>
#include <cstring>

namespace backline::engine {

/// [audio] n samples of src into dst.
inline void copy(const float* src, float* dst, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
{
    std::memcpy(dst, src, n * sizeof(float));
}

/// [audio] n samples of silence into dst.
inline void zero(float* dst, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
{
    std::memset(dst, 0, n * sizeof(float));
}

/// [audio] dst[i] += src[i] * gain, the gains per frame unless constant (then gains[0]).
inline void addScaled(const float* src, float* dst, const float* gains, bool constant, std::uint32_t n) noexcept
    BACKLINE_NONBLOCKING
{
    if (constant) {
        const float g = gains[0];
        if (g == 0.0f)
            return;
        for (std::uint32_t i = 0; i < n; ++i)
            dst[i] += src[i] * g;
    } else {
        for (std::uint32_t i = 0; i < n; ++i)
            dst[i] += src[i] * gains[i];
    }
}

/// [audio] buffer[i] *= gain, the gains per frame unless constant (then gains[0]).
inline void scale(float* buffer, const float* gains, bool constant, std::uint32_t n) noexcept BACKLINE_NONBLOCKING
{
    if (constant) {
        const float g = gains[0];
        if (g == 1.0f)
            return;
        for (std::uint32_t i = 0; i < n; ++i)
            buffer[i] *= g;
    } else {
        for (std::uint32_t i = 0; i < n; ++i)
            buffer[i] *= gains[i];
    }
}

/// [audio] Fits src channels onto dst channels: equal counts copy, one source feeds every
/// destination, one destination takes the average, otherwise channel by channel with the rest
/// silent. No source channels means silence; no destination channels, nothing (a generator's
/// inputs).
inline void mapChannels(const float* const* src, int numSrc, float* const* dst, int numDst, std::uint32_t nframes) noexcept
    BACKLINE_NONBLOCKING
{
    if (numDst == 0)
        return;
    if (numSrc == 0) {
        for (int c = 0; c < numDst; ++c)
            zero(dst[c], nframes);
    } else if (numSrc == numDst || numDst > 1) {
        for (int c = 0; c < numDst; ++c) {
            if (numSrc == 1 || c < numSrc) {
                const float* from = src[numSrc == 1 ? 0 : c];
                if (from != dst[c])
                    copy(from, dst[c], nframes);
            } else {
                zero(dst[c], nframes);
            }
        }
    } else {
        const float scaleBy = 1.0f / float(numSrc);
        for (std::uint32_t i = 0; i < nframes; ++i) {
            float sum = 0.0f;
            for (int c = 0; c < numSrc; ++c)
                sum += src[c][i];
            dst[0][i] = sum * scaleBy;
        }
    }
}

} // namespace backline::engine
