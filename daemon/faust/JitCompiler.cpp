// SPDX-License-Identifier: GPL-3.0-or-later
#include "faust/JitCompiler.h"

#include "faust/DspDependencies.h"
#include "faust/JitFactory.h"
#include "faust/MachineCodeCache.h"

#include <faust/dsp/libfaust.h>
#include <faust/dsp/llvm-dsp.h>

#include <pwd.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <optional>
#include <utility>

#ifndef BACKLINE_FAUST_LIB_DIR_DEFAULT
#define BACKLINE_FAUST_LIB_DIR_DEFAULT "/usr/share/faust"
#endif

namespace backline::faust {

namespace {

/// Code generation flags, the same as the built-in DSP get in cmake/Faust.cmake: denormals are
/// flushed in every recursion so a decaying tail never turns into a CPU spike, and every delay
/// line is a ring buffer (-mcd 0: faster, the same bits; scripts/bench-faust).
const std::vector<std::string> codegenOptions = { "-ftz", "2", "-mcd", "0" };

/// Starts every cache key: a change of what an entry holds or how keys are made changes it.
constexpr std::string_view cacheLayout = "backline-jit 2\n";

/// The sample rate a freshly compiled DSP is tried at, to find problems before anyone uses it.
constexpr int probeSampleRate = 48000;

std::string trimmed(std::string text)
{
    const auto last = text.find_last_not_of(" \t\r\n");
    text.erase(last == std::string::npos ? 0 : last + 1);
    return text;
}

Error faustError(const std::filesystem::path& file, const std::string& faustMessage)
{
    const std::string message = trimmed(faustMessage);
    return makeError(ErrorCode::Faust,
        "cannot compile " + file.string() + ": " + (message.empty() ? "unknown Faust error" : message));
}

/// What libfaust reads from a compile: the argument vector and the strings it points into.
struct FaustArgs {
    std::vector<std::string> strings;
    std::vector<const char*> argv;

    explicit FaustArgs(std::vector<std::string> args)
        : strings(std::move(args))
    {
        for (const std::string& s : strings)
            argv.push_back(s.c_str());
    }
    int argc() const { return int(argv.size()); }
    const char** data() { return argv.data(); }
};

/// The outcome of the locked part of a compile.
struct Compiled {
    llvm_dsp_factory* factory = nullptr;
    bool fromCache = false;
    std::string cacheKey;
};

} // namespace

JitCompiler::JitCompiler(Options options)
    : options_(std::move(options))
{
}

Result<std::shared_ptr<DspFactory>> JitCompiler::compile(const std::filesystem::path& file)
{
    lastWasCached_ = false;
    std::error_code ec;
    std::filesystem::path path = std::filesystem::absolute(file, ec);
    if (ec)
        path = file;
    path = path.lexically_normal();

    if (!std::filesystem::exists(path, ec))
        return makeError(ErrorCode::Io, "cannot read " + path.string() + ": no such file");
    if (!std::filesystem::is_regular_file(path, ec))
        return makeError(ErrorCode::Io, "cannot read " + path.string() + ": not a file");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(ErrorCode::Io, "cannot read " + path.string() + ": " + std::strerror(errno));
    const std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

    // Faust searches its -I folders the last given first: Faust's libraries, then the include
    // folders, then the file's own.
    std::vector<std::filesystem::path> searchDirs = {faustLibraryDir()};
    searchDirs.insert(searchDirs.end(), options_.includeDirs.rbegin(), options_.includeDirs.rend());
    searchDirs.push_back(path.parent_path());
    std::vector<std::string> args;
    for (auto dir = searchDirs.rbegin(); dir != searchDirs.rend(); ++dir) {
        args.push_back("-I");
        args.push_back(dir->string());
    }
    args.insert(args.end(), codegenOptions.begin(), codegenOptions.end());

    std::optional<MachineCodeCache> cache;
    if (!options_.cacheDir.empty())
        cache.emplace(options_.cacheDir);

    Compiled compiled;
    std::vector<DspDependency> dependencies;
    try {
        std::lock_guard lock(libfaustMutex());
        // The key is the file itself and how it is compiled; the libraries it imports are
        // checked against the entry's list (DspDependencies.h). Faust's own SHA of the expanded
        // source would cover both, but costs a third of a second a file, and is not the same
        // twice within a process (it depends on what was compiled before).
        std::string keyed = std::string(cacheLayout) + source + '\n';
        for (const std::string& a : args)
            keyed += a + '\n';
        compiled.cacheKey = generateSHA1(keyed + getCLibFaustVersion() + '\n' + getDSPMachineTarget());

        if (cache) {
            std::string error;
            auto stored = cache->load(compiled.cacheKey);
            auto entry = stored ? unpackCachedDsp(*stored) : std::nullopt;
            if (entry && dependenciesHold(entry->dependencies, searchDirs)) {
                compiled.factory = readDSPFactoryFromMachine(entry->code, "", error);
                if (compiled.factory)
                    compiled.fromCache = true;
                else
                    spdlog::warn("ignoring Faust cache file {}: {} (recompiling {})",
                        cache->fileFor(compiled.cacheKey).string(), trimmed(error), path.string());
            } else if (entry) {
                spdlog::debug("a library {} uses changed since it was cached: recompiling", path.string());
            } else if (stored) {
                spdlog::warn("ignoring Faust cache file {}: not a cache entry (recompiling {})",
                    cache->fileFor(compiled.cacheKey).string(), path.string());
            } else if (std::filesystem::exists(cache->fileFor(compiled.cacheKey), ec)) {
                spdlog::warn("ignoring Faust cache file {} (recompiling {})", stored.error().message, path.string());
            }
        }
        if (!compiled.factory) {
            FaustArgs faustArgs(args);
            std::string error;
            // The very bytes the key was made from (the file may be saved again meanwhile), and
            // the time before Faust reads the libraries: one saved during the compile would be
            // hashed new with code compiled from it old, so such an entry is not kept.
            const auto compileStart = std::filesystem::file_time_type::clock::now();
            compiled.factory = createDSPFactoryFromString(
                path.string(), source, faustArgs.argc(), faustArgs.data(), "", error, -1);
            if (!compiled.factory)
                return faustError(path, error);
            for (const std::string& warning : compiled.factory->getWarningMessages())
                spdlog::warn("{}: {}", path.string(), trimmed(warning));
            if (cache) {
                for (const std::string& library : compiled.factory->getLibraryList()) {
                    auto sha = fileSha1(library);
                    const auto written = std::filesystem::last_write_time(library, ec);
                    if (!sha || ec || written >= compileStart - std::chrono::seconds(1)) {
                        spdlog::warn("not caching {}: the library {} it imports {}", path.string(), library,
                            sha && !ec ? "changed while it was compiled" : "cannot be read");
                        cache.reset();
                        break;
                    }
                    dependencies.push_back({library, *sha});
                }
            }
        }
    } catch (const std::exception& e) {
        return faustError(path, e.what());
    }

    // From here the factory is owned and released under the lock by JitFactory.
    auto factory = std::make_shared<JitFactory>(compiled.factory, path);
    auto probe = factory->instantiate(probeSampleRate);
    if (!probe)
        return probe.error();

    if (cache && !compiled.fromCache) {
        std::string code;
        try {
            std::lock_guard lock(libfaustMutex());
            code = writeDSPFactoryToMachine(compiled.factory, "");
        } catch (const std::exception& e) {
            spdlog::warn("cannot cache the machine code of {}: {}", path.string(), e.what());
        }
        if (!code.empty()) {
            if (auto stored = cache->store(compiled.cacheKey, packCachedDsp({std::move(dependencies), std::move(code)}));
                !stored)
                spdlog::warn("cannot cache the machine code of {}: {}", path.string(), stored.error().message);
        }
    }

    lastWasCached_ = compiled.fromCache;
    spdlog::debug("Faust: {} {}", compiled.fromCache ? "loaded from cache" : "compiled", path.string());
    return std::shared_ptr<DspFactory>(std::move(factory));
}

std::filesystem::path JitCompiler::faustLibraryDir()
{
    if (const char* dir = std::getenv("BACKLINE_FAUST_LIB_DIR"); dir != nullptr && dir[0] != '\0')
        return dir;
    return BACKLINE_FAUST_LIB_DIR_DEFAULT;
}

std::filesystem::path JitCompiler::defaultCacheDir()
{
    std::filesystem::path base;
    if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
        base = xdg;
    } else {
        const char* home = std::getenv("HOME");
        if (home == nullptr || home[0] == '\0') {
            if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr)
                home = pw->pw_dir;
        }
        base = home != nullptr && home[0] != '\0' ? std::filesystem::path(home) / ".cache"
                                                  : std::filesystem::temp_directory_path();
    }
    return base / "backline" / "faust";
}

} // namespace backline::faust
