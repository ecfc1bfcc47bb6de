// SPDX-License-Identifier: GPL-3.0-or-later
// A session DSP that blows up on stage: silenced, logged, told to tablets; the show goes on.
#include "LiveDaemon.h"
#include "Signal.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <thread>

using namespace backline::test;
using namespace std::chrono_literals;

TEST(DaemonDspFault, ABlownUpDspIsSilencedSubscribersAreToldAndItRecovers)
{
    const std::string yaml = "backline: 1\nname: faults\ntracks:\n"
                             "  - name: wild\n    dsp: " BACKLINE_TEST_DATA_DIR "/faust/unstable.dsp\n"
                             "  - name: tone\n    dsp: tone\n    params: {freq: 1000, level: -20}\n";
    LiveDaemon d(yaml);
    JackListener listener(d.jack.name(), "backline:out_L", "backline:out_R");
    lo_message renew = lo_message_new();
    lo_message_add_float(renew, 60.0f);
    d.osc->send("/subscribe", renew);

    d.osc->sendFloat("/track/wild/dsp/feedback", 2.0f);
    std::optional<OscMessage> fault;
    // Past the subscription's snapshot and the feedback of the change.
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!fault && std::chrono::steady_clock::now() < deadline) {
        auto m = d.osc->receive(100ms);
        if (m && m->address == "/dsp/fault")
            fault = m;
    }
    ASSERT_TRUE(fault) << d.process->output();
    EXPECT_EQ(fault->text(0).rfind("track 'wild' (", 0), 0u) << fault->text(0);
    EXPECT_GE(fault->number(1), 1.0f);
    EXPECT_GE(fault->number(2), fault->number(1));
    EXPECT_NE(d.process->output().find("track 'wild'"), std::string::npos) << "logged";

    // While the feedback glided past 1 the track grew loud before it overflowed: the master's
    // limiter caught that and needs a moment to release. A capture on a busy machine may miss
    // periods (the dummy driver's xruns), which smears the spectrum: a few tries, the best counts.
    std::this_thread::sleep_for(1500ms);
    // Levels are the median over 100 ms chunks, so one glitch spoils one chunk only.
    std::string seen;
    auto clean = [&](auto&& good) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            auto [l, r] = listener.capture(500ms);
            const bool finite = std::all_of(l.begin(), l.end(), [](float x) { return std::isfinite(x); })
                && std::all_of(r.begin(), r.end(), [](float x) { return std::isfinite(x); });
            EXPECT_TRUE(finite);
            const double at440 = toneDbMedian(l, 440.0, 48000.0);
            const double at1k = toneDbMedian(l, 1000.0, 48000.0);
            seen += fmt::format(" [{} frames: 440 Hz {:.2f} dB, 1 kHz {:.2f} dB]", l.size(), at440, at1k);
            if (l.size() > 12000 && finite && good(at440, at1k))
                return true;
        }
        return false;
    };
    EXPECT_TRUE(clean([](double at440, double at1k) { return at440 < -100.0 && std::abs(at1k + 23.01) < 0.2; }))
        << "the broken track is silent and the other plays on:" << seen << "\n"
        << d.process->output();

    d.osc->sendFloat("/track/wild/dsp/feedback", 0.0f);
    std::this_thread::sleep_for(1500ms);
    seen.clear();
    EXPECT_TRUE(clean([](double at440, double) { return std::abs(at440 + 23.01) < 0.2; }))
        << "it plays again once its setting is back:" << seen;
    EXPECT_TRUE(d.process->running());
}
