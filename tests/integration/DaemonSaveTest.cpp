// SPDX-License-Identifier: GPL-3.0-or-later
// Saving end to end: backlined on a real jackd (dummy backend), steered over OSC by a real
// client. Values set and a scene stored over OSC are saved, and the saved file loads them all
// back (by a reload, and by a new daemon, which loads it without a warning); a save killed
// between its write and its rename leaves the old file whole; a save to a place that cannot be
// written is refused with nothing changed; autosave writes what changed. The kill test holds the
// save at its one pause point for tests: BACKLINE_TEST_SAVE_PAUSE=<file> (read once by
// app/SessionSaver.cpp) makes a save create <file> once its temporary file is written and
// synced, and wait until <file> is removed before the rename.
#include "ShowLive.h"
#include "WaitFor.h"

#include <gtest/gtest.h>

#include <thread>

#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

using namespace backline;
using namespace backline::test;
using namespace std::chrono_literals;

namespace {

/// A session written by hand: comments, a bus, a scene, a safe.
const std::string savedSession = R"(# saved by the tests
backline: 1
name: it
tracks:
  - name: tone    # the test tone
    dsp: tone
    params: {freq: 1000, level: -20}
    sends:
      - {bus: verb, level: -30}
buses:
  - {name: verb, dsp: reverb}
scenes:
  verse: {/track/tone/gain: -6}
safe: [/master/gain]
)";

std::string readFile(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The names of the files in folder.
std::vector<std::string> filesIn(const std::filesystem::path& folder)
{
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(folder))
        names.push_back(entry.path().filename().string());
    return names;
}

/// The one reply to a request that may wait for the disk (a save, a reload).
std::optional<RawMessage> slow(RawOscClient& c, const std::string& address, std::vector<control::OscReply::Arg> args = {})
{
    c.send(address, std::move(args));
    return c.receive(30s);
}

/// The values set over OSC before a save.
const std::map<std::string, float> changed {{"/track/tone/gain", -10.5f}, {"/track/tone/pan", 0.3f},
    {"/track/tone/mute", 1.0f}, {"/track/tone/eq/mid1/gain", -4.0f}, {"/track/tone/dsp/freq", 440.0f},
    {"/track/tone/send/verb/level", -12.0f}, {"/track/tone/send/verb/pre", 1.0f}, {"/bus/verb/gain", -3.0f},
    {"/master/gain", -2.0f}, {"/master/comp/threshold", -30.0f}};

} // namespace

TEST(DaemonSave, WhatWasSetAndStoredIsSavedAndLoadsBackExactly)
{
    LiveDaemon d(savedSession);
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    for (const auto& [address, value] : changed)
        c.send(address, {value});
    auto reply = ask(c, "/scene/store", {s("after")});
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/scene/stored") << reply->text(1);
    reply = ask(c, "/scene/edit", {s("verse"), s("/track/tone/pan"), -0.5f});
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/scene/edited") << reply->text(1);
    reply = ask(c, "/scene/safe", {s("/track/tone/pan"), 1});
    ASSERT_TRUE(reply);
    const auto before = readState(c);
    for (const auto& [address, value] : changed)
        ASSERT_EQ(before.at(address), value) << address;

    reply = slow(c, "/session/save");
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/session/saved") << reply->text(1);
    EXPECT_EQ(reply->text(0), d.session.string());
    const std::string saved = readFile(d.session);
    EXPECT_NE(saved.find("# saved by the tests\n"), std::string::npos) << saved;
    EXPECT_NE(saved.find("  - name: tone    # the test tone\n"), std::string::npos) << saved;
    const auto files = filesIn(d.dir.path());
    EXPECT_TRUE(std::none_of(files.begin(), files.end(),
        [](const std::string& name) { return name.find(".saving-") != std::string::npos; }))
        << "no temporary file is left";

    // The saved file is the session's file now: a reload changes nothing, and a value set
    // after the save stays through it (the file did not change since).
    reply = slow(c, "/session/reload");
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/session/reloaded") << reply->text(1);
    EXPECT_EQ(readState(c), before);
    c.send("/track/tone/gain", {-1.0f});
    reply = slow(c, "/session/reload");
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/session/reloaded") << reply->text(1);
    auto gain = ask(c, "/track/tone/gain");
    ASSERT_TRUE(gain);
    EXPECT_EQ(gain->number(0), -1.0);

    // A daemon of its own on the saved file: every value, scene and safe, and not a warning.
    LiveDaemon fresh(saved);
    RawOscClient f(RawOscClient::Kind::Udp, fresh.osc_port);
    EXPECT_EQ(readState(f), before);
    auto list = ask(f, "/scene/list");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->args.size(), 2u);
    EXPECT_EQ(list->text(0), "verse");
    EXPECT_EQ(list->text(1), "after");
    auto verse = ask(f, "/scene/get", {s("verse")});
    ASSERT_TRUE(verse);
    EXPECT_NE(saved.find("verse: {/track/tone/gain: -6, /track/tone/pan: -0.5}"), std::string::npos) << saved;
    EXPECT_NE(saved.find("safe: [/master/gain, /track/tone/pan]"), std::string::npos) << saved;
    const std::string log = fresh.process->output();
    EXPECT_EQ(log.find(" warning "), std::string::npos) << log;
    EXPECT_EQ(log.find(" error "), std::string::npos) << log;
}

TEST(DaemonSave, AKillBetweenTheWriteAndTheRenameLeavesTheOldFileWhole)
{
    TempDir pauseDir;
    const auto pause = pauseDir.path() / "paused";
    LiveDaemon d(savedSession, {"env", "BACKLINE_TEST_SAVE_PAUSE=" + pause.string()});
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    const std::string old = readFile(d.session);
    c.send("/track/tone/gain", {-10.0f});
    ASSERT_TRUE(ask(c, "/track/tone/gain"));
    c.send("/session/save");
    ASSERT_TRUE(waitFor([&] { return std::filesystem::exists(pause); }, 30s)) << d.process->output();
    // The new text is whole in its temporary file, synced: only the rename is missing.
    std::filesystem::path temp;
    for (const auto& name : filesIn(d.dir.path()))
        if (name.starts_with(".session.yaml.saving-"))
            temp = d.dir.path() / name;
    ASSERT_FALSE(temp.empty());
    EXPECT_NE(readFile(temp).find("gain: -10"), std::string::npos);
    d.process->signal(SIGKILL);
    ASSERT_TRUE(d.process->wait(10s));
    EXPECT_EQ(readFile(d.session), old) << "the old file, byte for byte";
    EXPECT_FALSE(temp.extension() == ".yaml") << "the leftover is not taken for a session";
}

TEST(DaemonSave, ASaveWhereNothingCanBeWrittenIsRefusedAndNothingChanges)
{
    LiveDaemon d(savedSession);
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    c.send("/track/tone/gain", {-10.0f});
    const auto before = readState(c);
    const std::string old = readFile(d.session);
    const auto readOnly = d.dir.path() / "read-only";
    std::filesystem::create_directory(readOnly);
    ::chmod(readOnly.c_str(), 0555);
    struct Case {
        std::string path;
        std::string words;
    };
    std::vector<Case> cases {
        {"/nonexistent-backline-folder/session.yaml", "No such file or directory"},
        {d.dir.path().string(), "it is a folder"},
        {"missing/session.yaml", "No such file or directory"},
    };
    if (::geteuid() != 0) // root writes anywhere
        cases.push_back({(readOnly / "session.yaml").string(), "Permission denied"});
    for (const auto& k : cases) {
        auto reply = slow(c, "/session/save", {k.path});
        ASSERT_TRUE(reply) << k.path;
        ASSERT_EQ(reply->address, "/error") << k.path;
        EXPECT_EQ(reply->text(0), "/session/save");
        EXPECT_NE(reply->text(1).find(k.words), std::string::npos) << reply->text(1);
    }
    auto reply = slow(c, "/session/save", {s("one"), s("two")});
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->address, "/error");
    EXPECT_EQ(readFile(d.session), old);
    EXPECT_EQ(readState(c), before) << "the show goes on";
    ::chmod(readOnly.c_str(), 0755);
}

TEST(DaemonSave, AutosaveWritesWhatChangedAndOnlyThen)
{
    LiveDaemon d(savedSession + "autosave_seconds: 10\n");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    c.send("/track/tone/gain", {-7.5f});
    ASSERT_TRUE(ask(c, "/track/tone/gain"));
    ASSERT_TRUE(waitFor([&] { return readFile(d.session).find("gain: -7.5") != std::string::npos; }, 30s, 100ms))
        << readFile(d.session) << d.process->output();
    EXPECT_NE(readFile(d.session).find("autosave_seconds: 10\n"), std::string::npos);
    EXPECT_NE(d.process->output().find("saved the session to"), std::string::npos);
}

TEST(DaemonSave, AFileEditedOnDiskIsNeverSavedOverAndAFailedAutosaveIsToldAndTheShowGoesOn)
{
    LiveDaemon d(savedSession + "autosave_seconds: 10\n");
    RawOscClient c(RawOscClient::Kind::Udp, d.osc_port);
    RawOscClient subscriber(RawOscClient::Kind::Udp, d.osc_port);
    ASSERT_TRUE(ask(subscriber, "/subscribe", {60.0f}));
    // A first subscription lasts 10 s until the client is established (heard again a second
    // later): renewed then, it gets its 60 s, so the autosave's failure 10 s on (later under
    // ASan) cannot fall just after it ran out (CI's ASan stage saw exactly that).
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    ASSERT_TRUE(ask(subscriber, "/subscribe", {60.0f}));
    c.send("/track/tone/gain", {-9.0f});
    // Someone edits the file in an editor while the show runs, and does not reload yet.
    const std::string edited = savedSession + "autosave_seconds: 10\n# edited by hand\n";
    d.dir.write("session.yaml", edited);

    auto reply = slow(c, "/session/save");
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/error");
    EXPECT_NE(reply->text(1).find("changed on disk since backline loaded it"), std::string::npos) << reply->text(1);
    auto notice = subscriber.receiveAddress("/session/autosave_failed", 30s);
    ASSERT_TRUE(notice) << d.process->output();
    EXPECT_NE(notice->text(0).find("changed on disk"), std::string::npos) << notice->text(0);
    EXPECT_EQ(readFile(d.session), edited) << "the hand edit is kept";
    EXPECT_NE(d.process->output().find("autosave failed"), std::string::npos) << "and logged";

    // Elsewhere it may go; after a reload the file is the session's again and saves go over it.
    reply = slow(c, "/session/save", {s("copy.yaml")});
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/session/saved") << reply->text(1);
    EXPECT_EQ(reply->text(0), (d.dir.path() / "copy.yaml").string());
    EXPECT_NE(readFile(d.dir.path() / "copy.yaml").find("gain: -9"), std::string::npos);
    reply = slow(c, "/session/reload");
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/session/reloaded") << reply->text(1);
    reply = slow(c, "/session/save");
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->address, "/session/saved") << reply->text(1);
    const std::string saved = readFile(d.session);
    EXPECT_NE(saved.find("# edited by hand\n"), std::string::npos) << saved;
    EXPECT_NE(saved.find("gain: -9"), std::string::npos) << "the live value, kept through the reload" << saved;
}
