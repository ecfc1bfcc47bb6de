// SPDX-License-Identifier: GPL-3.0-or-later
// NsmClient: backlined as a client of a Non/New Session Manager (NSM_URL): nsmd, RaySession,
// Agordejo open, save and close it with the rest of a studio's session.
#pragma once

#include "core/Result.h"

#include <lo/lo.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace backline::app {

/// The NSM API (1.2) from the client's side, over liblo on the main thread (polled, no thread
/// of its own). backlined announces itself with `:dirty:`; the session manager then opens it
/// with a path prefix for its files and a client id, the name its JACK client must have.
/// Not `:switch:`: a new client id means a new JACK client, which is a restart.
class NsmClient {
public:
    /// [main] The client NSM_URL asks for; null without NSM_URL. A URL liblo cannot use is an error.
    static Result<std::unique_ptr<NsmClient>> fromEnvironment();
    ~NsmClient();
    NsmClient(const NsmClient&) = delete;
    NsmClient& operator=(const NsmClient&) = delete;

    /// What /nsm/client/open gives.
    struct Open {
        std::string path;        ///< where this client's files go: a prefix, without extension
        std::string displayName; ///< the session's name
        std::string clientId;    ///< the JACK client name to take
    };
    /// [main] Announces backlined and waits for the open (up to timeout; stopAsked is polled
    /// every 50 ms and ends the wait). The error says what the session manager said, or that it
    /// said nothing.
    Result<Open> announceAndWaitForOpen(std::chrono::milliseconds timeout, const std::function<bool()>& stopAsked);
    /// [main] The session file of open: `<path>.yaml`, made when it is not there yet — from
    /// startingPoint (--session) when given, else an empty session that records into
    /// `<path>.takes/`.
    static Result<std::filesystem::path> sessionFile(const Open& open, const std::filesystem::path& startingPoint);
    /// [main] Answers the open: the session plays (ok), or it could not (the reason).
    void opened(const Result<void>& result);
    /// [main] Every pass of the main loop: answers /nsm/client/save by calling save (the path
    /// written, or why not), and says is_dirty / is_clean when unsaved changed.
    void upkeep(const std::function<Result<std::string>()>& save, bool unsaved);

private:
    NsmClient(lo_address server, lo_server own);
    static int onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message message, void* self);
    void reply(const std::string& to, const std::string& message);
    void error(const std::string& to, int code, const std::string& message);

    lo_address server_;
    lo_server own_;
    std::optional<Open> open_;
    std::optional<std::string> refused_; // the session manager's /error to the announce
    bool announced_ = false;
    bool saveAsked_ = false;
    std::optional<bool> toldDirty_;
};

} // namespace backline::app
