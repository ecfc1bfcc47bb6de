// SPDX-License-Identifier: GPL-3.0-or-later
// The libFuzzer entry point of one harness, picked at build time by BACKLINE_FUZZ_ENTRY.
#include "FuzzHarnesses.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    return backline::fuzz::BACKLINE_FUZZ_ENTRY(data, size);
}
