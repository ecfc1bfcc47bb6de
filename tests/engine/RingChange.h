// SPDX-License-Identifier: GPL-3.0-or-later
// Where a tapped signal first changes: for tests that check the frame a change lands on.
#pragma once

#include "core/AudioRing.h"

#include <cstddef>
#include <vector>

namespace backline::test {

/// Reads all that a stereo ring holds and returns the index of the first frame whose left
/// sample differs from the first frame's (0: none does).
inline std::size_t firstChangeIn(AudioRing& ring)
{
    const std::size_t frames = ring.readable();
    std::vector<float> out(2 * frames);
    if (ring.read(out.data(), frames) != frames)
        return 0;
    for (std::size_t i = 1; i < frames; ++i)
        if (out[2 * i] != out[0])
            return i;
    return 0;
}

} // namespace backline::test
