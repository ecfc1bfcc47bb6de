// SPDX-License-Identifier: GPL-3.0-or-later
// backlined: parse options, build the Daemon, run until a signal.
#include "app/Daemon.h"
#include "app/DaemonOptions.h"
#include "app/NsmClient.h"
#include "app/Signals.h"
#include "core/Log.h"

#include <spdlog/spdlog.h>

int main(int argc, char** argv)
{
    auto parsed = backline::app::parseOptions(argc, argv);
    if (!parsed.options)
        return parsed.exitCode;
    backline::log::init();
    // Before any thread exists, so JACK's, liblo's and the workers' threads inherit the mask.
    backline::app::blockControlSignals();
    auto options = std::move(*parsed.options);
    // Under a session manager the session and the JACK client's name are its to give.
    auto nsm = backline::app::NsmClient::fromEnvironment();
    if (!nsm) {
        spdlog::error("{}", nsm.error().message);
        return static_cast<int>(backline::app::ExitCode::Failure);
    }
    if (*nsm && !options.render) {
        auto open = (*nsm)->announceAndWaitForOpen(std::chrono::seconds(60), [] {
            return backline::app::waitForSignal(std::chrono::milliseconds(0)) == backline::app::SignalRequest::Stop;
        });
        if (!open) {
            spdlog::error("{}", open.error().message);
            return static_cast<int>(backline::app::ExitCode::Failure);
        }
        auto file = backline::app::NsmClient::sessionFile(*open, options.session);
        if (!file) {
            (*nsm)->opened(file.error());
            spdlog::error("{}", file.error().message);
            return static_cast<int>(backline::app::ExitCode::BadSession);
        }
        options.session = *file;
        options.clientName = open->clientId;
    }
    backline::app::Daemon daemon(std::move(options), std::move(*nsm));
    return static_cast<int>(daemon.run());
}
