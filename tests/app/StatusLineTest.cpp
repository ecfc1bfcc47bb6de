// SPDX-License-Identifier: GPL-3.0-or-later
// The line `systemctl status` shows for backlined (STATUS=).
#include "app/StatusLine.h"

#include <gtest/gtest.h>

using namespace backline;

TEST(StatusLine, SaysTheSessionTheTransportAndTheXruns)
{
    port::DaemonStatus daemon;
    daemon.session = "demo";
    daemon.xruns = 1;
    EXPECT_EQ(app::statusLine(daemon, {}, std::nullopt), "'demo': stopped · 1 xrun");
    daemon.transport = port::TransportState::Rolling;
    daemon.xruns = 3;
    EXPECT_EQ(app::statusLine(daemon, {}, port::RecorderStatus {}), "'demo': rolling · 3 xruns");
}

TEST(StatusLine, SaysTheSongTheSectionAndTheTakeInWholeMinutes)
{
    port::DaemonStatus daemon;
    daemon.session = "demo";
    daemon.transport = port::TransportState::Rolling;
    port::ArrangementStatus arrangement;
    arrangement.song = "Opener";
    arrangement.section = "verse";
    port::RecorderStatus recorder;
    recorder.state = port::RecorderState::Recording;
    recorder.takeFolder = "/srv/takes/2026-12-07-take-003";
    recorder.takeSeconds = 754.9;
    EXPECT_EQ(app::statusLine(daemon, arrangement, recorder),
        "'demo': rolling · song 'Opener', section 'verse' · recording 2026-12-07-take-003 (12 min) · 0 xruns");
    recorder.takeSeconds = 779.0; // the same minute: the same line, nothing to send
    EXPECT_EQ(app::statusLine(daemon, arrangement, recorder),
        "'demo': rolling · song 'Opener', section 'verse' · recording 2026-12-07-take-003 (12 min) · 0 xruns");
    recorder.state = port::RecorderState::Suspended;
    recorder.droppedInTake = 128;
    EXPECT_EQ(app::statusLine(daemon, arrangement, recorder),
        "'demo': rolling · song 'Opener', section 'verse' · suspended 2026-12-07-take-003 (12 min), 128 frames "
        "dropped · 0 xruns");
}
