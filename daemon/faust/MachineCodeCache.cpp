// SPDX-License-Identifier: GPL-3.0-or-later
#include "faust/MachineCodeCache.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

namespace backline::faust {

namespace {

constexpr const char* magic = "backline-faust-machine-code 1";

/// FNV-1a, 64 bits: catches truncation and bit rot; the cache is not a security boundary.
std::uint64_t checksum(const std::string& data)
{
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : data) {
        hash ^= c;
        hash *= 0x100000001b3ull;
    }
    return hash;
}

std::string hex(std::uint64_t value)
{
    char text[17];
    std::snprintf(text, sizeof text, "%016" PRIx64, value);
    return text;
}

std::string header(const std::string& key, const std::string& code)
{
    return std::string(magic) + "\nkey " + key + "\nsize " + std::to_string(code.size()) + "\nfnv1a64 "
        + hex(checksum(code)) + "\n\n";
}

} // namespace

MachineCodeCache::MachineCodeCache(std::filesystem::path dir)
    : dir_(std::move(dir))
{
}

std::filesystem::path MachineCodeCache::fileFor(const std::string& key) const { return dir_ / (key + ".fbc"); }

Result<std::string> MachineCodeCache::load(const std::string& key) const
{
    const std::filesystem::path file = fileFor(key);
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::Io, file.string() + ": not in the cache");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        return makeError(ErrorCode::Io, file.string() + ": cannot read: " + std::strerror(errno));

    const std::size_t end = text.find("\n\n");
    if (end == std::string::npos)
        return makeError(ErrorCode::Io, file.string() + ": damaged (no header)");
    std::string code = text.substr(end + 2);
    if (text.compare(0, end + 2, header(key, code)) != 0)
        return makeError(ErrorCode::Io, file.string() + ": damaged (size, checksum or key do not match)");
    return code;
}

Result<void> MachineCodeCache::store(const std::string& key, const std::string& code) const
{
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec)
        return makeError(ErrorCode::Io, "cannot create the Faust cache folder " + dir_.string() + ": " + ec.message());

    // Unique per process and call, so two daemons (or threads) never write the same temporary.
    static std::atomic<unsigned> counter { 0 };
    const std::filesystem::path temp
        = dir_ / ("." + key + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1)));
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << header(key, code) << code;
        out.flush();
        if (!out) {
            const std::string reason = std::strerror(errno);
            out.close();
            std::filesystem::remove(temp, ec);
            return makeError(ErrorCode::Io, "cannot write " + temp.string() + ": " + reason);
        }
    }
    std::filesystem::rename(temp, fileFor(key), ec);
    if (ec) {
        std::error_code ignored;
        std::filesystem::remove(temp, ignored);
        return makeError(ErrorCode::Io, "cannot move " + temp.string() + " into place: " + ec.message());
    }
    return {};
}

} // namespace backline::faust
