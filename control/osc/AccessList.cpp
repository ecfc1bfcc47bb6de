// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/AccessList.h"

#include <fmt/format.h>

#include <fstream>

namespace backline::control {

AccessList AccessList::defaults()
{
    std::vector<AddressRange> ranges;
    for (const char* text : {"127.0.0.0/8", "::1", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16",
             "fc00::/7", "fe80::/10"})
        ranges.push_back(*AddressRange::parse(text));
    return AccessList(std::move(ranges));
}

Result<std::optional<AccessList>> AccessList::fromFile(const std::filesystem::path& file)
{
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
        return std::optional<AccessList>();
    std::ifstream in(file);
    if (!in)
        return makeError(ErrorCode::Io, fmt::format("{}: cannot be read (check its permissions)", file.string()));
    std::vector<AddressRange> ranges;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (const auto hash = line.find('#'); hash != std::string::npos)
            line.erase(hash);
        const auto first = line.find_first_not_of(" \t\r");
        if (first == std::string::npos)
            continue;
        const auto last = line.find_last_not_of(" \t\r");
        std::string problem;
        auto range = AddressRange::parse(std::string_view(line).substr(first, last - first + 1), &problem);
        if (!range)
            return makeError(ErrorCode::Osc, fmt::format("{}:{}: {}", file.string(), number, problem));
        ranges.push_back(*range);
    }
    return std::optional<AccessList>(AccessList(std::move(ranges)));
}

AccessList AccessList::forSession(const std::optional<std::vector<AddressRange>>& allow,
    std::string* warning, const std::filesystem::path& file)
{
    if (allow)
        return AccessList(*allow);
    auto fromSystem = fromFile(file);
    if (!fromSystem) {
        if (warning)
            *warning = fromSystem.error().message + "; answering loopback clients only until it is fixed";
        return AccessList({*AddressRange::parse("127.0.0.0/8"), *AddressRange::parse("::1")});
    }
    if (*fromSystem)
        return std::move(**fromSystem);
    return defaults();
}

bool AccessList::allows(const sockaddr* peer) const
{
    const auto bytes = addressBytes(peer);
    if (!bytes)
        return false;
    for (const auto& range : ranges_)
        if (range.contains(*bytes))
            return true;
    return false;
}

std::string AccessList::describe() const
{
    std::string out;
    for (const auto& range : ranges_)
        out += (out.empty() ? "" : ", ") + range.str();
    return out.empty() ? std::string("nobody") : out;
}

} // namespace backline::control
