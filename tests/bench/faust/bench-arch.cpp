// SPDX-License-Identifier: GPL-3.0-or-later
// Architecture file for scripts/bench-faust: one Faust class, timed on pink-ish noise in blocks
// of 128 frames (or $BENCH_BLOCK) at 48 kHz with denormals flushed (as the engine runs it), its output kept for
// comparison. Usage: ./bench SECONDS_OF_AUDIO OUT.raw [path=value ...] — prints ns per frame.
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>
#include <xmmintrin.h>

#include <faust/dsp/dsp.h>
#include <faust/gui/MapUI.h>
#include <faust/gui/meta.h>

<<includeIntrinsic>>

<<includeclass>>

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s SECONDS OUT.raw [path=value ...]\n", argv[0]);
        return 2;
    }
    const double seconds = std::atof(argv[1]);
    constexpr int rate = 48000;
    // BENCH_BLOCK=16: the slices the engine computes a DSP in while its controls ramp.
    const int block = std::getenv("BENCH_BLOCK") ? std::atoi(std::getenv("BENCH_BLOCK")) : 128;
    mydsp dsp;
    dsp.init(rate);
    MapUI ui;
    dsp.buildUserInterface(&ui);
    for (int i = 3; i < argc; ++i) {
        std::string arg = argv[i];
        const auto eq = arg.find('=');
        ui.setParamValue(arg.substr(0, eq), FAUSTFLOAT(std::atof(arg.c_str() + eq + 1)));
    }
    const int ins = dsp.getNumInputs(), outs = dsp.getNumOutputs();
    auto in = std::vector<std::vector<FAUSTFLOAT>>(std::size_t(ins), std::vector<FAUSTFLOAT>(block));
    auto out = std::vector<std::vector<FAUSTFLOAT>>(std::size_t(outs), std::vector<FAUSTFLOAT>(block));
    std::vector<FAUSTFLOAT*> inPtr, outPtr;
    for (auto& c : in)
        inPtr.push_back(c.data());
    for (auto& c : out)
        outPtr.push_back(c.data());
    std::mt19937 random(1);
    std::normal_distribution<float> noise(0.0f, 0.1f);
    const long blocks = long(seconds * rate / block);
    std::FILE* raw = std::fopen(argv[2], "wb");
    _mm_setcsr(_mm_getcsr() | 0x8040);
    double busy = 0.0;
    for (long b = 0; b < blocks; ++b) {
        for (auto& c : in)
            for (auto& s : c)
                s = noise(random);
        const auto t0 = std::chrono::steady_clock::now();
        dsp.compute(block, inPtr.data(), outPtr.data());
        busy += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        for (auto& c : out)
            std::fwrite(c.data(), sizeof(FAUSTFLOAT), block, raw);
    }
    std::fclose(raw);
    std::printf("%.2f\n", busy * 1e9 / double(blocks * block));
    return 0;
}
