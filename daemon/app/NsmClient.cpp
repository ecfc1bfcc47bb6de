// SPDX-License-Identifier: GPL-3.0-or-later
// NsmClient: the NSM API's client side over liblo ([main]).
#include "app/NsmClient.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "control/osc/OscArg.h"
#include "core/AtomicFile.h"

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>

namespace backline::app {

namespace {

constexpr int apiMajor = 1;
constexpr int apiMinor = 2;
constexpr int errGeneral = -1; // NSM's ERR_GENERAL_ERROR
constexpr int errCreateFailed = -9;
constexpr int errLaunchFailed = -10;

std::string text(const char* types, lo_arg** argv, int argc, int i)
{
    return i < argc && (types[i] == LO_STRING || types[i] == LO_SYMBOL) ? std::string(control::oscArgString(argv[i]))
                                                                         : std::string();
}

} // namespace

Result<std::unique_ptr<NsmClient>> NsmClient::fromEnvironment()
{
    const char* url = std::getenv("NSM_URL");
    if (!url || !*url)
        return std::unique_ptr<NsmClient> {};
    lo_address server = lo_address_new_from_url(url);
    if (!server)
        return makeError(ErrorCode::Osc, fmt::format("NSM_URL '{}' is not an OSC URL (osc.udp://host:port/)", url));
    // Any free port of the session manager's protocol: replies come back to where we send from.
    lo_server own = lo_server_new_with_proto(nullptr, lo_address_get_protocol(server), nullptr);
    if (!own) {
        lo_address_free(server);
        return makeError(ErrorCode::Osc, "cannot open a socket to speak to the session manager (NSM_URL)");
    }
    std::unique_ptr<NsmClient> client(new NsmClient(server, own));
    lo_server_add_method(own, nullptr, nullptr, &NsmClient::onMessage, client.get());
    return client;
}

NsmClient::NsmClient(lo_address server, lo_server own)
    : server_(server)
    , own_(own)
{
}

NsmClient::~NsmClient()
{
    lo_server_free(own_);
    lo_address_free(server_);
}

int NsmClient::onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message, void* self)
{
    auto& client = *static_cast<NsmClient*>(self);
    const std::string address(path);
    if (address == "/reply" && text(types, argv, argc, 0) == "/nsm/server/announce") {
        client.announced_ = true;
        spdlog::info("NSM: {} (server '{}', capabilities '{}')", text(types, argv, argc, 1), text(types, argv, argc, 2),
            text(types, argv, argc, 3));
    } else if (address == "/error" && text(types, argv, argc, 0) == "/nsm/server/announce") {
        client.refused_ = text(types, argv, argc, 2);
    } else if (address == "/nsm/client/open" && argc >= 3) {
        client.open_ = Open {text(types, argv, argc, 0), text(types, argv, argc, 1), text(types, argv, argc, 2)};
    } else if (address == "/nsm/client/save") {
        client.saveAsked_ = true;
    }
    // Anything else (session_is_loaded, show_optional_gui): nothing to do.
    return 0;
}

void NsmClient::reply(const std::string& to, const std::string& message)
{
    lo_send_from(server_, own_, LO_TT_IMMEDIATE, "/reply", "ss", to.c_str(), message.c_str());
}

void NsmClient::error(const std::string& to, int code, const std::string& message)
{
    lo_send_from(server_, own_, LO_TT_IMMEDIATE, "/error", "sis", to.c_str(), code, message.c_str());
}

Result<NsmClient::Open> NsmClient::announceAndWaitForOpen(std::chrono::milliseconds timeout,
    const std::function<bool()>& stopAsked)
{
    char executable[4096] {};
    const ssize_t n = ::readlink("/proc/self/exe", executable, sizeof executable - 1);
    const std::string exe = n > 0 ? std::string(executable, std::size_t(n)) : std::string("backlined");
    lo_send_from(server_, own_, LO_TT_IMMEDIATE, "/nsm/server/announce", "sssiii", "backline", ":dirty:",
        exe.c_str(), apiMajor, apiMinor, int(::getpid()));
    spdlog::info("NSM: announced to the session manager at {}; waiting for it to open a session",
        std::getenv("NSM_URL"));
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!open_) {
        if (refused_)
            return makeError(ErrorCode::Session, fmt::format("the session manager refused backline: {}", *refused_));
        if (std::chrono::steady_clock::now() > deadline)
            return makeError(ErrorCode::Session,
                fmt::format("the session manager (NSM_URL) did not open a session within {} s{}",
                    std::chrono::duration_cast<std::chrono::seconds>(timeout).count(),
                    announced_ ? "" : " (nor answer the announce)"));
        if (stopAsked())
            return makeError(ErrorCode::Session, "stopped while waiting for the session manager");
        lo_server_recv_noblock(own_, 50); // waits up to 50 ms for a message
    }
    return *open_;
}

Result<std::filesystem::path> NsmClient::sessionFile(const Open& open, const std::filesystem::path& startingPoint)
{
    namespace fs = std::filesystem;
    const fs::path file = open.path + ".yaml";
    std::error_code ec;
    if (fs::exists(file, ec))
        return file;
    fs::create_directories(file.parent_path(), ec);
    std::string text;
    if (!startingPoint.empty()) {
        // The session given with --session is where a new one starts (its relative paths, DSP
        // files and the record folder, are then read against the new file's folder).
        std::ifstream in(startingPoint);
        if (!in)
            return makeError(ErrorCode::Io, fmt::format("{}: cannot read the session to start from", startingPoint.string()));
        text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    } else {
        text = fmt::format("# A session of backline's, made for the session manager's '{}'.\nbackline: 1\nname: {}\n"
                           "tracks: []\nrecord:\n  folder: {}.takes\n",
            open.displayName, open.clientId, fs::path(open.path).filename().string());
    }
    if (auto r = writeFileAtomically(file, text); !r)
        return r.error();
    spdlog::info("NSM: a new session {}{}", file.string(),
        startingPoint.empty() ? std::string() : fmt::format(" (from {})", startingPoint.string()));
    return file;
}

void NsmClient::opened(const Result<void>& result)
{
    if (result)
        reply("/nsm/client/open", "backline plays the session");
    else
        error("/nsm/client/open", result.error().code == ErrorCode::Jack ? errLaunchFailed : errCreateFailed,
            result.error().message);
}

void NsmClient::upkeep(const std::function<Result<std::string>()>& save, bool unsaved)
{
    while (lo_server_recv_noblock(own_, 0) > 0) {
    }
    if (saveAsked_) {
        saveAsked_ = false;
        if (auto saved = save(); saved) {
            reply("/nsm/client/save", "saved " + *saved);
            unsaved = false;
        } else {
            error("/nsm/client/save", errGeneral, saved.error().message);
        }
    }
    if (toldDirty_ != unsaved) {
        lo_send_from(server_, own_, LO_TT_IMMEDIATE, unsaved ? "/nsm/client/is_dirty" : "/nsm/client/is_clean", "");
        toldDirty_ = unsaved;
    }
}

} // namespace backline::app
