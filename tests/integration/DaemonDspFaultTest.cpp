// SPDX-License-Identifier: GPL-3.0-or-later
// A session DSP that blows up on stage: silenced, logged, told to tablets; the show goes on.
#include "LiveDaemon.h"
#include "Signal.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <utility>

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
    // limiter caught that and needs a moment to release. So each level is measured on 500 ms
    // captured after 1.5 s of audio, freewheeling: the release is 1.5 s of JACK's frames however
    // slow the machine, and no xrun can drop a block and smear the spectrum.
    const auto measure = [&] {
        auto [l, r] = listener.captureFreewheeling(24000, 72000);
        EXPECT_EQ(l.size(), 24000u);
        EXPECT_TRUE(std::all_of(l.begin(), l.end(), [](float x) { return std::isfinite(x); }));
        EXPECT_TRUE(std::all_of(r.begin(), r.end(), [](float x) { return std::isfinite(x); }));
        return std::pair {toneDbMedian(l, 440.0, 48000.0), toneDbMedian(l, 1000.0, 48000.0)};
    };
    const auto [at440, at1k] = measure();
    EXPECT_LT(at440, -100.0) << "the broken track is silent\n" << d.process->output();
    EXPECT_NEAR(at1k, -23.01, 0.2) << "and the other plays on";

    // A client of its own, unsubscribed: the answer to its read is the reply, not a notice.
    OscClient c(d.osc_port);
    c.sendFloat("/track/wild/dsp/feedback", 0.0f);
    auto taken = c.request("/track/wild/dsp/feedback");
    ASSERT_TRUE(taken);
    ASSERT_EQ(taken->number(0), 0.0f) << "the setting is back (the engine has it queued)";
    EXPECT_NEAR(measure().first, -23.01, 0.2) << "it plays again once its setting is back";
    EXPECT_TRUE(d.process->running());
}
