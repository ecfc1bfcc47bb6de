// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"
#include "faust/DspFactory.h"

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace backline::faust {

/// Compiles .dsp files with libfaust's LLVM backend and keeps the machine code in an on-disk
/// cache, keyed by Faust's SHA of the fully expanded source (so an edited library recompiles)
/// plus the libfaust version and target CPU, so a restart does not recompile unchanged DSP.
class JitCompiler {
public:
    struct Options {
        std::filesystem::path cacheDir;               ///< empty: no on-disk cache
        std::vector<std::filesystem::path> includeDirs; ///< besides the file's folder and Faust's libraries
    };

    explicit JitCompiler(Options options);

    /// [control] Compiles (or loads from cache) file. On failure the message holds the file and
    /// Faust's own error text.
    Result<std::shared_ptr<DspFactory>> compile(const std::filesystem::path& file);

    /// Whether the last successful compile() came from the cache (for logs and tests).
    bool lastWasCached() const noexcept { return lastWasCached_; }

    /// The directory holding Faust's standard libraries (stdfaust.lib): $BACKLINE_FAUST_LIB_DIR,
    /// else the one found at build time.
    static std::filesystem::path faustLibraryDir();

    /// $XDG_CACHE_HOME/backline/faust (or ~/.cache/backline/faust).
    static std::filesystem::path defaultCacheDir();

private:
    Options options_;
    bool lastWasCached_ = false;
};

} // namespace backline::faust
