// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/TakeNames.h"

#include "record/RecordConfig.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace backline::record {

namespace {

bool isWordChar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

std::string printable(std::string_view s)
{
    std::string out;
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", static_cast<unsigned char>(c));
            out += hex;
        } else {
            out += c;
        }
    }
    return out;
}

std::tm localTime(std::chrono::system_clock::time_point when)
{
    const std::time_t t = std::chrono::system_clock::to_time_t(when);
    std::tm tm {};
    localtime_r(&t, &tm);
    return tm;
}

} // namespace

Result<void> validateTakeName(std::string_view name)
{
    const auto bad = [&](const std::string& why) {
        return makeError(ErrorCode::Io,
            "take name '" + printable(name) + "' " + why
                + ": use 1 to 64 letters, digits, '_', '-' or '.' (takes are always written inside the record folder)");
    };
    if (name.empty())
        return bad("is empty");
    if (name.size() > config::recordMaxNameLength)
        return bad("is too long");
    if (name.front() == '.')
        return bad("starts with '.'");
    for (char c : name) {
        if (c == '/' || c == '\\')
            return bad("contains a path separator");
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return bad("contains a control character");
        if (!isWordChar(c) && c != '.')
            return bad(std::string("contains '") + c + "'");
    }
    return {};
}

Result<void> validateSourceId(std::string_view id)
{
    const auto bad = [&](const std::string& why) {
        return makeError(ErrorCode::Session,
            "record source '" + printable(id) + "' " + why
                + ": write it like track/<name>/input, track/<name>/post, bus/<name> or master");
    };
    if (id.empty())
        return bad("is empty");
    if (id.size() > 200)
        return bad("is too long");
    bool wordStart = true;
    for (char c : id) {
        if (c == '/') {
            if (wordStart)
                return bad("has an empty part");
            wordStart = true;
        } else if (!isWordChar(c)) {
            return bad(std::string("contains '") + printable(std::string_view(&c, 1)) + "'");
        } else {
            wordStart = false;
        }
    }
    if (wordStart)
        return bad("ends with '/'");
    return {};
}

std::string sourceFileStem(std::string_view id, int segment)
{
    std::string stem(id);
    for (char& c : stem)
        if (c == '/')
            c = '-';
    if (segment > 1)
        stem += "-seg" + std::to_string(segment);
    return stem;
}

std::string takeFolderName(std::chrono::system_clock::time_point when, std::string_view name)
{
    const std::tm tm = localTime(when);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d_%H-%M-%S", &tm);
    return std::string(buf) + "_" + std::string(name);
}

std::string isoTimestamp(std::chrono::system_clock::time_point when)
{
    const std::tm tm = localTime(when);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count() % 1000;
    char date[32], zone[8];
    std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
    std::strftime(zone, sizeof zone, "%z", &tm); // +0200 → +02:00 below
    std::string z(zone);
    if (z.size() == 5)
        z.insert(3, ":");
    char out[64];
    std::snprintf(out, sizeof out, "%s.%03d%s", date, int(ms), z.c_str());
    return out;
}

Result<std::filesystem::path> createUniqueFolder(const std::filesystem::path& root, const std::string& base)
{
    for (int n = 1; n < 1000; ++n) {
        const std::filesystem::path p = root / (n == 1 ? base : base + "_" + std::to_string(n));
        // mkdir is atomic: two recorders (or a clock set back) can never share a folder.
        if (::mkdir(p.c_str(), 0755) == 0)
            return p;
        if (errno != EEXIST)
            return makeError(ErrorCode::Io,
                p.string() + ": cannot create the take folder (" + std::strerror(errno)
                    + "); check that the record folder is writable");
    }
    return makeError(ErrorCode::Io, (root / base).string() + ": 999 takes with this name in this second already exist");
}

} // namespace backline::record
