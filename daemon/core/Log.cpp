// SPDX-License-Identifier: GPL-3.0-or-later
// The process-wide logger: stderr, in journald's priority format when stderr is the journal.
#include "core/Log.h"

#include <spdlog/cfg/env.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>

#include <cstdio>
#include <cstdlib>
#include <sys/stat.h>

namespace backline::log {

namespace {

/// `%*`: the syslog priority of a line's level, which journald reads from a `<N>` prefix.
class SyslogPriority final : public spdlog::custom_flag_formatter {
public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override
    {
        dest.push_back(char('0' + priority(msg.level)));
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<SyslogPriority>(); }

private:
    static int priority(spdlog::level::level_enum level)
    {
        switch (level) {
        case spdlog::level::critical:
            return 2; // LOG_CRIT
        case spdlog::level::err:
            return 3; // LOG_ERR
        case spdlog::level::warn:
            return 4; // LOG_WARNING
        case spdlog::level::info:
            return 6; // LOG_INFO
        default:
            return 7; // LOG_DEBUG
        }
    }
};

} // namespace

bool stderrIsJournal()
{
    // systemd sets JOURNAL_STREAM to "device:inode" of the stream it connected to stdout and
    // stderr; a stderr redirected elsewhere by the unit (or inherited by a child) does not match.
    const char* stream = std::getenv("JOURNAL_STREAM");
    if (!stream)
        return false;
    unsigned long long device = 0, inode = 0;
    if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2)
        return false;
    struct stat st {};
    if (::fstat(2, &st) != 0)
        return false;
    return st.st_dev == device && st.st_ino == inode;
}

void init()
{
    if (stderrIsJournal()) {
        // The journal keeps the time and shows the priority in colour itself: each line is
        // its priority and the message, nothing else.
        auto logger = spdlog::stderr_logger_mt("backline");
        auto formatter = std::make_unique<spdlog::pattern_formatter>();
        formatter->add_flag<SyslogPriority>('*').set_pattern("<%*>%v");
        logger->set_formatter(std::move(formatter));
        spdlog::set_default_logger(logger);
    } else {
        auto logger = spdlog::stderr_color_mt("backline");
        // Short and greppable for a terminal.
        logger->set_pattern("%H:%M:%S.%e %^%l%$ %v");
        spdlog::set_default_logger(logger);
    }
    spdlog::set_level(spdlog::level::info);
    if (const char* level = std::getenv("BACKLINE_LOG"))
        spdlog::set_level(spdlog::level::from_str(level));
}

} // namespace backline::log
