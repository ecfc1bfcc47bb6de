// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Result.h"

#include <filesystem>
#include <string>

namespace backline::faust {

/// A folder of JIT-compiled machine code, one `<key>.fbc` file per compiled DSP.
/// Each file carries its key, length and checksum, so a truncated or damaged file is detected
/// here and never reaches LLVM (which crashes on bad machine code rather than failing).
class MachineCodeCache {
public:
    /// A cache in dir (created on the first store).
    explicit MachineCodeCache(std::filesystem::path dir);

    /// The file that holds key.
    std::filesystem::path fileFor(const std::string& key) const;

    /// [control] The machine code stored under key; an error (Io) if it is missing or damaged.
    Result<std::string> load(const std::string& key) const;

    /// [control] Stores code under key atomically: a temporary file renamed over the old one,
    /// so a reader sees the whole old file or the whole new one.
    Result<void> store(const std::string& key, const std::string& code) const;

private:
    std::filesystem::path dir_;
};

} // namespace backline::faust
