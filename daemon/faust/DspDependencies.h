// SPDX-License-Identifier: GPL-3.0-or-later
// The files a JIT-compiled DSP was made from, kept with its machine code so a restart can tell
// whether the code is still what the files say without asking Faust.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace backline::faust {

/// A library a DSP imported, with the SHA-1 of its contents when the DSP was compiled.
struct DspDependency {
    std::filesystem::path path;
    std::string sha1;
};

/// A cache entry: the libraries the machine code was compiled against, and the code.
struct CachedDsp {
    std::vector<DspDependency> dependencies;
    std::string code;
};

/// [control, under libfaust's lock] The SHA-1 of a file's contents (hex, libfaust's
/// generateSHA1); nullopt when it cannot be read.
std::optional<std::string> fileSha1(const std::filesystem::path& file);

/// One cache entry's bytes: the dependencies, one a line, then the code.
std::string packCachedDsp(const CachedDsp& entry);

/// The entry packCachedDsp() wrote; nullopt when the bytes are not one.
std::optional<CachedDsp> unpackCachedDsp(const std::string& bytes);

/// [control, under libfaust's lock] Whether every dependency is still the file it was: the
/// same contents, and not shadowed by a file of the same name in a folder Faust searches before
/// its own (`searchDirs`, in Faust's order).
bool dependenciesHold(const std::vector<DspDependency>& dependencies, const std::vector<std::filesystem::path>& searchDirs);

} // namespace backline::faust
