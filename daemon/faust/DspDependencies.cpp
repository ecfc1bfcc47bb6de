// SPDX-License-Identifier: GPL-3.0-or-later
// The files a JIT-compiled DSP was made from (see DspDependencies.h).
#include "faust/DspDependencies.h"

#include <faust/dsp/libfaust.h>

#include <fstream>
#include <iterator>
#include <sstream>

namespace backline::faust {

namespace {

/// First line of an entry: names the layout, so another one is never misread.
constexpr std::string_view magic = "backline-dsp-dependencies 1\n";

/// Where path sits under dir (empty when it does not).
std::filesystem::path under(const std::filesystem::path& dir, const std::filesystem::path& path)
{
    const auto rel = path.lexically_relative(dir);
    if (rel.empty() || *rel.begin() == "..")
        return {};
    return rel;
}

} // namespace

std::optional<std::string> fileSha1(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        return std::nullopt;
    return generateSHA1(bytes);
}

std::string packCachedDsp(const CachedDsp& entry)
{
    std::string bytes(magic);
    bytes += std::to_string(entry.dependencies.size()) + '\n';
    for (const DspDependency& d : entry.dependencies)
        bytes += d.sha1 + ' ' + d.path.string() + '\n';
    return bytes + entry.code;
}

std::optional<CachedDsp> unpackCachedDsp(const std::string& bytes)
{
    if (bytes.compare(0, magic.size(), magic) != 0)
        return std::nullopt;
    std::size_t at = magic.size();
    auto line = [&]() -> std::optional<std::string> {
        const auto end = bytes.find('\n', at);
        if (end == std::string::npos)
            return std::nullopt;
        std::string text = bytes.substr(at, end - at);
        at = end + 1;
        return text;
    };
    const auto count = line();
    if (!count || count->empty() || count->size() > 4 || count->find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    CachedDsp entry;
    for (int i = std::stoi(*count); i > 0; --i) {
        const auto dependency = line();
        if (!dependency)
            return std::nullopt;
        const auto space = dependency->find(' ');
        if (space == std::string::npos || space == 0 || space + 1 == dependency->size())
            return std::nullopt;
        entry.dependencies.push_back({dependency->substr(space + 1), dependency->substr(0, space)});
    }
    entry.code = bytes.substr(at);
    return entry;
}

bool dependenciesHold(const std::vector<DspDependency>& dependencies, const std::vector<std::filesystem::path>& given)
{
    // Faust resolves its folders to real paths and names each library by one.
    std::vector<std::filesystem::path> searchDirs;
    for (const auto& dir : given) {
        std::error_code ec;
        auto real = std::filesystem::weakly_canonical(dir, ec);
        searchDirs.push_back(ec ? dir : real);
    }
    for (const DspDependency& d : dependencies) {
        if (fileSha1(d.path) != d.sha1)
            return false;
        // Found in the first folder it sits under: a file of the same name that appeared in a
        // folder searched before that one would be imported instead now.
        for (std::size_t i = 0; i < searchDirs.size(); ++i) {
            const auto rel = under(searchDirs[i], d.path);
            if (rel.empty())
                continue;
            for (std::size_t j = 0; j < i; ++j) {
                std::error_code ec;
                if (std::filesystem::exists(searchDirs[j] / rel, ec))
                    return false;
            }
            break;
        }
    }
    return true;
}

} // namespace backline::faust
