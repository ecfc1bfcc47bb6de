// SPDX-License-Identifier: GPL-3.0-or-later
// backlined: parse options, build the Daemon, run until a signal.
#include "app/Daemon.h"
#include "app/DaemonOptions.h"
#include "app/Signals.h"
#include "core/Log.h"

int main(int argc, char** argv)
{
    auto parsed = backline::app::parseOptions(argc, argv);
    if (!parsed.options)
        return parsed.exitCode;
    backline::log::init();
    // Before any thread exists, so JACK's, liblo's and the workers' threads inherit the mask.
    backline::app::blockControlSignals();
    backline::app::Daemon daemon(std::move(*parsed.options));
    return static_cast<int>(daemon.run());
}
