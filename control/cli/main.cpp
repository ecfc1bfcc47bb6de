// SPDX-License-Identifier: GPL-3.0-or-later
// backline: a command-line OSC client for backlined. Sends one message and prints the replies,
// or watches feedback and meters live.
#include "Connection.h"

#include "control/osc/OscArg.h"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace backline;
using Arg = control::OscReply::Arg;

namespace {

std::atomic<bool> interrupted {false};

/// "1.5" → float, "3" → int32, "f:3" / "i:3" / "s:3" force the type, anything else → string.
Arg parseArgument(const std::string& text)
{
    if (text.size() > 2 && text[1] == ':') {
        const std::string value = text.substr(2);
        switch (text[0]) {
        case 'f': return std::stof(value);
        case 'i': return std::stoi(value);
        case 's': return value;
        default: break;
        }
    }
    char* end = nullptr;
    const long asInt = std::strtol(text.c_str(), &end, 10);
    if (!text.empty() && *end == '\0')
        return int(asInt);
    const float asFloat = std::strtof(text.c_str(), &end);
    if (!text.empty() && *end == '\0')
        return asFloat;
    return text;
}

std::string clock()
{
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm local {};
    localtime_r(&t, &local);
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    return fmt::format("{:02}:{:02}:{:02}.{:03}", local.tm_hour, local.tm_min, local.tm_sec, ms);
}

/// Sends one request and prints replies until the answer is complete or quiet.
int request(cli::Connection& connection, const std::string& address, const std::vector<Arg>& args, bool waitForEnd,
    bool firstReplyIsEnough, std::chrono::milliseconds timeout)
{
    if (!connection.send(address, args)) {
        std::cerr << "backline: cannot send " << address << "\n";
        return 1;
    }
    int count = 0;
    bool sawError = false;
    bool done = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done && std::chrono::steady_clock::now() < deadline) {
        const int before = count;
        const bool open = connection.receive(std::chrono::milliseconds(50), [&](const control::OscInMessage& m, bool) {
            ++count;
            sawError = sawError || m.address == "/error";
            done = done || (waitForEnd && m.address == "/state/end");
            std::cout << cli::format(m) << '\n';
        });
        std::cout.flush();
        if (!open)
            break;
        // A reply's messages arrive in one packet: once one came, the answer is complete.
        if (count > before && firstReplyIsEnough)
            done = true;
    }
    if (count == 0 && (waitForEnd || firstReplyIsEnough)) {
        std::cerr << "backline: no reply (is backlined running, and is this machine in its osc.allow?)\n";
        return 1;
    }
    return sawError ? 2 : 0;
}

/// Prints every parameter. A server whose reply budget for this client is spent answers
/// /state with a page, and its /state/end says how many of how many came: the rest is asked
/// for page by page (again after a pause when a page came empty, or nothing came).
int printState(cli::Connection& connection, std::chrono::milliseconds timeout)
{
    int total = -1;
    int next = 0;
    bool paged = false;
    bool sawError = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    auto asked = std::chrono::steady_clock::now();
    if (!connection.send("/state", {})) {
        std::cerr << "backline: cannot send /state\n";
        return 1;
    }
    while (std::chrono::steady_clock::now() < deadline) {
        bool pageEnded = false;
        bool pageEmpty = false;
        const bool open = connection.receive(std::chrono::milliseconds(50), [&](const control::OscInMessage& m, bool) {
            if (m.address == "/state/end" && m.types == "iii") {
                const int all = control::oscArg<std::int32_t>(m.argv[0]);
                const int first = control::oscArg<std::int32_t>(m.argv[1]);
                const int sent = control::oscArg<std::int32_t>(m.argv[2]);
                if (first != next)
                    return; // the answer to an earlier ask, come late
                total = all;
                next += sent;
                pageEnded = true;
                pageEmpty = sent == 0;
                if (next < total) {
                    paged = true;
                    return; // not the end yet
                }
                if (paged) {
                    std::cout << fmt::format("/state/end {} 0 {}", total, total) << '\n';
                    return;
                }
            }
            sawError = sawError || m.address == "/error";
            std::cout << cli::format(m) << '\n';
        });
        std::cout.flush();
        if (total >= 0 && next >= total)
            return sawError ? 2 : 0;
        if (!open)
            break;
        // The next page at once; the same again after a pause when it came empty (the budget
        // refills) or not at all (held back, or lost: UDP).
        const auto now = std::chrono::steady_clock::now();
        const auto pause = std::chrono::milliseconds(total < 0 ? 1000 : 300);
        if ((pageEnded && !pageEmpty) || now - asked >= pause) {
            asked = now;
            if (total < 0)
                connection.send("/state", {});
            else
                connection.send("/state", {next, total - next});
        }
    }
    std::cerr << (total < 0 ? "backline: no reply (is backlined running, and is this machine in its osc.allow?)\n"
                            : fmt::format("backline: only {} of {} parameters came\n", next, total));
    return 1;
}

struct WatchOptions {
    bool feedback = true;
    double feedbackRate = 50.0;
    double metersHz = 0.0;
    std::string meterFormat = "levels";
    double seconds = 0.0; // 0: until Ctrl-C
};

/// Subscribes to feedback (and meters), prints everything that comes, renews every few seconds.
int watch(cli::Connection& connection, const WatchOptions& options)
{
    constexpr float lease = 10.0f; // seconds each subscription lasts unless renewed
    auto subscribe = [&] {
        bool ok = true;
        if (options.feedback)
            ok = connection.send("/subscribe", {lease, float(options.feedbackRate)}) && ok;
        if (options.metersHz > 0)
            ok = connection.send("/meters/subscribe", {float(options.metersHz), options.meterFormat, lease}) && ok;
        return ok;
    };
    if (!subscribe()) {
        std::cerr << "backline: cannot send /subscribe\n";
        return 1;
    }
    std::signal(SIGINT, [](int) { interrupted = true; });
    std::signal(SIGTERM, [](int) { interrupted = true; });
    const auto start = std::chrono::steady_clock::now();
    auto renewAt = start + std::chrono::seconds(4);
    std::optional<std::int32_t> feedbackSeq;
    std::optional<std::int32_t> meterSeq;
    std::optional<std::int32_t> noticeSeq;
    bool heard = false;
    bool acknowledged = false;
    while (!interrupted) {
        const auto now = std::chrono::steady_clock::now();
        if (options.seconds > 0 && now - start >= std::chrono::duration<double>(options.seconds))
            break;
        if (now >= renewAt) {
            subscribe();
            renewAt = now + std::chrono::seconds(4);
            if (!heard)
                std::cerr << "backline: nothing heard yet (is backlined running, and is this machine in its osc.allow?)\n";
        }
        const bool open = connection.receive(std::chrono::milliseconds(100), [&](const control::OscInMessage& m, bool) {
            heard = true;
            auto checkSequence = [&](std::optional<std::int32_t>& last, const char* what) {
                const std::int32_t seq = m.argc > 0 && m.types[0] == 'i' ? control::oscArg<std::int32_t>(m.argv[0]) : 0;
                if (last && seq != *last + 1)
                    std::cout << clock() << " # missed " << (seq - *last - 1) << " " << what << " packet(s)\n";
                last = seq;
            };
            if (m.address == "/feedback/seq")
                return checkSequence(feedbackSeq, "feedback");
            if (m.address == "/meters/seq")
                return checkSequence(meterSeq, "meter");
            if (m.address == "/notice/seq")
                return checkSequence(noticeSeq, "notice");
            // Renewals are acknowledged each time; the first acknowledgement says enough.
            if (m.address == "/subscribed" || m.address == "/meters/subscribed") {
                if (acknowledged)
                    return;
                if (m.address == "/subscribed")
                    acknowledged = true;
            }
            std::cout << clock() << ' ' << cli::format(m) << '\n';
        });
        std::cout.flush();
        if (!open) {
            std::cerr << "backline: backlined closed the connection\n";
            return 1;
        }
    }
    if (options.feedback)
        connection.send("/unsubscribe", {});
    if (options.metersHz > 0)
        connection.send("/meters/unsubscribe", {});
    return heard ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App cli {"backline: talk to a running backlined over OSC", "backline"};
    std::string host = "127.0.0.1";
    int port = 9000;
    int timeoutMs = 500;
    bool tcp = false;
    cli.add_option("--host", host, "backlined's host (name or address)")->capture_default_str();
    cli.add_option("--port,-p", port, "backlined's OSC port")->capture_default_str();
    cli.add_flag("--tcp", tcp, "Talk over TCP instead of UDP (same port)");
    cli.add_option("--timeout", timeoutMs, "How long to wait for replies (ms)")->capture_default_str();
    cli.require_subcommand(1);

    std::string address;
    std::vector<std::string> values;
    auto* send = cli.add_subcommand("send", "Send ADDRESS with ARGS (1.5 float, 3 int, text string; f:/i:/s: force)");
    send->add_option("address", address)->required();
    send->add_option("args", values);
    auto* get = cli.add_subcommand("get", "Print the current value of ADDRESS");
    get->add_option("address", address)->required();
    auto* state = cli.add_subcommand("state", "Print every parameter: address, value, unit, min, max, default, kind, step");
    auto* status = cli.add_subcommand("status", "Print the daemon's status");
    auto* ping = cli.add_subcommand("ping", "Check that backlined answers");
    WatchOptions watchOptions;
    bool noFeedback = false;
    auto* watchCommand = cli.add_subcommand("watch", "Print feedback (every change, whoever made it) and meters, live");
    watchCommand->add_option("--meters", watchOptions.metersHz, "Also stream meters at this rate (Hz, 1-100)");
    watchCommand->add_option("--format", watchOptions.meterFormat, "Meter format: levels, single or blob")
        ->capture_default_str();
    watchCommand->add_option("--rate", watchOptions.feedbackRate, "Feedback packets per second at most (1-200)")
        ->capture_default_str();
    watchCommand->add_flag("--no-feedback", noFeedback, "Meters only");
    watchCommand->add_option("--seconds", watchOptions.seconds, "Stop after this long (default: until Ctrl-C)");
    CLI11_PARSE(cli, argc, argv);
    watchOptions.feedback = !noFeedback;

    auto connection = cli::Connection::open(host, port, tcp);
    if (!connection) {
        std::cerr << "backline: " << connection.error().message << "\n";
        return 1;
    }
    const auto timeout = std::chrono::milliseconds(timeoutMs);
    if (*watchCommand)
        return watch(*connection, watchOptions);
    if (*send) {
        std::vector<Arg> args;
        for (const auto& v : values)
            args.push_back(parseArgument(v));
        return request(*connection, address, args, false, false, timeout);
    }
    if (*state)
        return printState(*connection, std::max(timeout, std::chrono::milliseconds(2000)));
    if (*status)
        return request(*connection, "/status", {}, false, true, timeout);
    if (*ping)
        return request(*connection, "/ping", {}, false, true, timeout);
    (void)get;
    return request(*connection, address, {}, false, true, timeout);
}
