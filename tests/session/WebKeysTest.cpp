// SPDX-License-Identifier: GPL-3.0-or-later
// The `web:` map of a session and `osc.require_pin`.
#include "session/SessionLoader.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace backline;
using namespace backline::session;

namespace {

const char* tracks = "backline: 1\ntracks: []\n";

std::string errorOf(const std::string& text, const std::string& file = "/shows/friday/show.yaml")
{
    auto r = loadSessionText(std::string(tracks) + text, file);
    return r ? std::string("(loaded)") : r.error().message;
}

/// A folder of its own for a test's files, removed after it.
struct Folder {
    std::filesystem::path path = std::filesystem::temp_directory_path()
        / ("backline-webkeys-" + std::to_string(::getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    Folder() { std::filesystem::create_directories(path); }
    ~Folder() { std::filesystem::remove_all(path); }
    std::string session() const { return (path / "show.yaml").string(); }
};

} // namespace

TEST(SessionWeb, IsOffWithoutTheMap)
{
    auto s = loadSessionText(tracks, "show.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_FALSE(s->web.port);
    EXPECT_TRUE(s->web.pin.empty());
    EXPECT_FALSE(s->osc.requirePin);
}

TEST(SessionWeb, ReadsThePortAndThePin)
{
    auto s = loadSessionText(std::string(tracks) + "web: {port: 8080, pin: 0246}\nosc: {require_pin: true}\n", "show.yaml");
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->web.port, 8080);
    EXPECT_EQ(s->web.pin, "0246") << "as written: a PIN is text, its leading zero kept";
    EXPECT_TRUE(s->osc.requirePin);
}

TEST(SessionWeb, ReadsThePinFromAFile)
{
    Folder folder;
    std::ofstream(folder.path / "pin.txt") << "  8642 \n";
    auto s = loadSessionText(std::string(tracks) + "web:\n  port: 8080\n  pin_file: pin.txt\n", folder.session());
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(s->web.pin, "8642");
    EXPECT_EQ(s->web.pinFile, folder.path / "pin.txt");
}

TEST(SessionWeb, BadValuesAreClearErrors)
{
    EXPECT_EQ(errorOf("web: {port: 70000}\n"),
        "/shows/friday/show.yaml:3:13: 'port' must be a whole number from 1 to 65535, got '70000'");
    EXPECT_NE(errorOf("web: {port: 0}\n").find("from 1 to 65535"), std::string::npos);
    EXPECT_NE(errorOf("web: {port: http}\n").find("whole number"), std::string::npos);
    EXPECT_NE(errorOf("web:\n  pin: ''\n").find("must not be empty"), std::string::npos) << errorOf("web:\n  pin: ''\n");
    EXPECT_NE(errorOf("web:\n  pin: \"12\\t34\"\n").find("control character"), std::string::npos);
    EXPECT_NE(errorOf("web:\n  pin: 1234\n  pin_file: pin.txt\n").find("not both"), std::string::npos);
    EXPECT_NE(errorOf("web:\n  pine: 1234\n").find("did you mean 'pin'"), std::string::npos)
        << errorOf("web:\n  pine: 1234\n");
    EXPECT_NE(errorOf("osc: {require_pin: true}\n").find("'osc.require_pin' is set but the session has no PIN"),
        std::string::npos);
    EXPECT_NE(errorOf("web: {port: 9000}\n").find("the OSC port too"), std::string::npos);
    EXPECT_NE(errorOf("osc: {require_pin: maybe}\n").find("require_pin"), std::string::npos);
}

TEST(SessionWeb, AMissingOrEmptyPinFileIsAClearError)
{
    Folder folder;
    const std::string missing = errorOf("web:\n  pin_file: nowhere.txt\n", folder.session());
    EXPECT_NE(missing.find("web.pin_file 'nowhere.txt' not found"), std::string::npos) << missing;
    EXPECT_NE(missing.find((folder.path / "nowhere.txt").string()), std::string::npos) << missing;
    std::ofstream(folder.path / "empty.txt") << "";
    const std::string empty = errorOf("web:\n  pin_file: empty.txt\n", folder.session());
    EXPECT_NE(empty.find("cannot read the PIN"), std::string::npos) << empty;
    std::ofstream(folder.path / "blank.txt") << "   \n";
    const std::string blank = errorOf("web:\n  pin_file: blank.txt\n", folder.session());
    EXPECT_NE(blank.find("the PIN is empty"), std::string::npos) << blank;
    std::filesystem::create_directories(folder.path / "dir");
    EXPECT_NE(errorOf("web:\n  pin_file: dir\n", folder.session()).find("is a folder"), std::string::npos);
}
