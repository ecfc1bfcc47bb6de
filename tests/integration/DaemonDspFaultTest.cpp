// SPDX-License-Identifier: GPL-3.0-or-later
// A session DSP that blows up on stage: silenced, logged, told to tablets; the show goes on.
#include "LiveDaemon.h"
#include "Signal.h"

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
    auto clean = [&](auto&& good) {
        for (int attempt = 0; attempt < 5; ++attempt) {
            auto [l, r] = listener.capture(500ms);
            const bool finite = std::all_of(l.begin(), l.end(), [](float x) { return std::isfinite(x); })
                && std::all_of(r.begin(), r.end(), [](float x) { return std::isfinite(x); });
            EXPECT_TRUE(finite);
            if (l.size() > 12000 && finite && good(l))
                return true;
        }
        return false;
    };
    EXPECT_TRUE(clean([](const std::vector<float>& l) {
        return toneDb(l, 440.0, 48000.0) < -100.0 && std::abs(toneDb(l, 1000.0, 48000.0) + 23.01) < 0.2;
    })) << "the broken track is silent and the other plays on\n"
        << d.process->output();

    d.osc->sendFloat("/track/wild/dsp/feedback", 0.0f);
    std::this_thread::sleep_for(1500ms);
    EXPECT_TRUE(clean([](const std::vector<float>& l) { return std::abs(toneDb(l, 440.0, 48000.0) + 23.01) < 0.2; }))
        << "it plays again once its setting is back";
    EXPECT_TRUE(d.process->running());
}
