// SPDX-License-Identifier: GPL-3.0-or-later
// Saving the running session to YAML, on request and by the autosave thread ([control], [autosave]).
#include "app/SessionSaver.h"

#include "core/AtomicFile.h"
#include "session/SessionLoader.h"
#include "session/SessionWriter.h"
#include "show/RecallSafe.h"
#include "show/SceneScope.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace backline::app {

namespace fs = std::filesystem;

namespace {

/// The file's text, or nullopt when there is no regular file to read.
std::optional<std::string> readText(const fs::path& file)
{
    std::error_code ec;
    if (!fs::is_regular_file(file, ec))
        return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in)
        return std::nullopt;
    return std::move(text).str();
}

/// Tests only (tests/integration/DaemonSaveTest.cpp): BACKLINE_TEST_SAVE_PAUSE names a file a
/// save creates once its temporary file is written and synced, then waits until it is removed
/// before the rename — the moment a test kills the daemon.
void pauseForTest()
{
    static const char* const pauseFile = std::getenv("BACKLINE_TEST_SAVE_PAUSE");
    if (!pauseFile || !*pauseFile)
        return;
    std::ofstream(pauseFile).put('\n');
    std::error_code ec;
    while (fs::exists(pauseFile, ec))
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

} // namespace

SessionSaver::SessionSaver(SessionHost& host, show::SceneBook& scenes, port::Listeners& listeners)
    : host_(host)
    , scenes_(scenes)
    , listeners_(listeners)
{
}

SessionSaver::~SessionSaver() { stopAutosave(); }

Result<std::string> SessionSaver::save(std::string_view path)
{
    std::lock_guard lock(saveMutex_);
    auto saved = saveLocked(path);
    if (!saved)
        return makeError(saved.error().code, fmt::format("cannot save: {}", saved.error().message));
    return saved;
}

std::optional<std::vector<std::string>> SessionSaver::safeToWrite(
    const session::SessionSpec& spec, const engine::CarriedValues& values) const
{
    show::RecallSafe fromFile;
    for (const auto& safe : spec.safe)
        if (auto glob = show::parseGlob(safe.glob))
            fromFile.set(std::move(*glob), true);
    const auto now = scenes_.safe();
    if (now == fromFile.entries())
        return std::nullopt;
    // `safe:` lists what is safe; a glob turned off over a surface is written as the addresses
    // left safe when the globs that are on alone would cover more.
    show::RecallSafe all;
    show::RecallSafe onOnly;
    std::vector<std::string> on;
    for (const auto& [glob, isOn] : now) {
        all.set(glob, isOn);
        if (isOn) {
            onOnly.set(glob, true);
            on.push_back(glob);
        }
    }
    const bool globsSay = std::all_of(values.begin(), values.end(),
        [&](const engine::CarriedValue& v) { return all.covers(v.address) == onOnly.covers(v.address); });
    if (globsSay)
        return on;
    std::vector<std::string> addresses;
    for (const auto& value : values)
        if (all.covers(value.address))
            addresses.push_back(value.address);
    return addresses;
}

Result<std::string> SessionSaver::saveLocked(std::string_view path)
{
    const std::uint64_t revision = scenes_.revision();
    const std::uint64_t rulesRevision = host_.connectionRules().revision();
    auto source = host_.saveSource();
    const session::SessionSpec& spec = source.spec;
    fs::path target = path.empty() ? spec.file : fs::path(path);
    if (target.is_relative())
        target = spec.file.parent_path() / target;
    target = target.lexically_normal();
    const bool ownFile = target == spec.file;
    // Cleared before the state is read: a change made while this save runs stays to be saved.
    const bool wasDirty = ownFile && dirty_.exchange(false, std::memory_order_relaxed);
    auto fail = [&](Error error) {
        if (wasDirty)
            dirty_.store(true, std::memory_order_relaxed);
        return error;
    };

    session::LiveSession live;
    live.values.reserve(source.values.size());
    for (const auto& value : source.values)
        live.values.push_back({value.address, value.value, value.sessionSaid.value_or(std::nanf(""))});
    for (const auto& name : scenes_.list())
        if (auto values = scenes_.get(name))
            live.scenes.push_back({name, std::move(*values)});
    live.safe = safeToWrite(spec, source.values);
    if (midiMap_)
        live.midiMap = midiMap_();
    live.connections = host_.connectionRules().rules();
    auto written = session::writeSession(spec, live);
    if (!written)
        return fail(written.error());
    for (const auto& missing : written->notWritten)
        spdlog::warn("saving {}: {} is not written, the file keeps its own value: {}", target.string(),
            missing.address, missing.why);
    // Relative paths in the text (dsp files, input files, the record folder) are read against
    // the new file's folder: a copy saved elsewhere must load there too.
    auto reloaded = session::loadSessionText(written->text, target);
    if (!reloaded)
        return fail(makeError(ErrorCode::Session,
            fmt::format("the saved session would not load, so nothing was written: {}", reloaded.error().message)));
    const auto onDisk = readText(target);
    if (ownFile && onDisk && *onDisk != spec.text && *onDisk != lastWritten_)
        return fail(makeError(ErrorCode::Io,
            fmt::format("{}: the file changed on disk since backline loaded it (edited by hand?); reload it first "
                        "(/session/reload) or save to another path, so neither version is lost",
                target.string())));
    if (!onDisk || *onDisk != written->text)
        if (auto r = writeFileAtomically(target, written->text, pauseForTest); !r)
            return fail(r.error());
    if (ownFile) {
        lastWritten_ = written->text;
        savedRevision_ = revision;
        savedRulesRevision_ = rulesRevision;
        std::vector<port::ParamChange> says;
        for (const auto& value : live.values)
            if (std::none_of(written->notWritten.begin(), written->notWritten.end(),
                    [&](const auto& missing) { return missing.address == value.address; }))
                says.emplace_back(value.address, value.value);
        host_.savedOver(source.loads, std::move(*reloaded), says);
        if (midiSaved_ && live.midiMap)
            midiSaved_(*live.midiMap);
    }
    spdlog::info("saved the session to {}", target.string());
    return target.string();
}

void SessionSaver::setMidiMap(std::function<std::vector<midi::MidiMapping>()> current,
    std::function<void(const std::vector<midi::MidiMapping>&)> saved)
{
    std::lock_guard lock(saveMutex_);
    midiMap_ = std::move(current);
    midiSaved_ = std::move(saved);
}

bool SessionSaver::unsaved() const
{
    return dirty_.load(std::memory_order_relaxed) || scenes_.revision() != savedRevision_
        || host_.connectionRules().revision() != savedRulesRevision_;
}

void SessionSaver::markClean()
{
    std::lock_guard lock(saveMutex_);
    dirty_.store(false, std::memory_order_relaxed);
    savedRevision_ = scenes_.revision();
    savedRulesRevision_ = host_.connectionRules().revision();
}

void SessionSaver::startAutosave()
{
    std::lock_guard lock(threadMutex_);
    if (thread_.joinable())
        return;
    stop_ = false;
    thread_ = std::thread([this] { autosaveLoop(); });
}

void SessionSaver::stopAutosave()
{
    {
        std::lock_guard lock(threadMutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

void SessionSaver::autosaveLoop()
{
    pthread_setname_np(pthread_self(), "autosave");
    using Clock = std::chrono::steady_clock;
    auto last = Clock::now();
    std::unique_lock lock(threadMutex_);
    while (!wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_; })) {
        const int every = host_.autosaveSeconds();
        const auto now = Clock::now();
        if (every <= 0 || now - last < std::chrono::seconds(every)) {
            if (every <= 0)
                last = now;
            continue;
        }
        last = now;
        lock.unlock();
        {
            std::lock_guard save(saveMutex_);
            if (dirty_.load(std::memory_order_relaxed) || scenes_.revision() != savedRevision_
                || host_.connectionRules().revision() != savedRulesRevision_) {
                // A failed autosave never stops the show: it is logged and told, and tried again.
                if (auto r = saveLocked(""); !r) {
                    spdlog::error("autosave failed: {}", r.error().message);
                    listeners_.notice({"/session/autosave_failed", {r.error().message}});
                }
            }
        }
        lock.lock();
    }
}

} // namespace backline::app
