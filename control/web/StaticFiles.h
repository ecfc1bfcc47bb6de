// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

namespace backline::control {

/// One file of the page built into the binary (EmbedWebFiles.cmake writes the table).
struct EmbeddedFile {
    const char* path;           ///< "/index.html", "/js/app.js"
    const unsigned char* bytes;
    std::size_t size;
};

/// A file to send: its bytes, type and validator.
struct StaticFile {
    std::string body;
    std::string contentType;
    std::string etag; ///< quoted, as the ETag header carries it
};

/// The page's files: a folder on disk (`--web-root`) or the files built into the binary.
/// Paths come decoded and checked (WebPath); a path that leaves the folder (through a
/// symbolic link too) is not found. [web]
class StaticFiles {
public:
    /// The files built in.
    explicit StaticFiles(std::span<const EmbeddedFile> embedded);
    /// The files under root (read at each request, so a page being edited shows at once).
    explicit StaticFiles(std::filesystem::path root);

    /// The file at path ("/" and "…/" mean their index.html), or nullopt.
    std::optional<StaticFile> find(std::string_view path) const;
    /// Where the files come from, for the log.
    std::string describe() const;

    /// The Content-Type of a file name by its extension (application/octet-stream when unknown).
    static std::string_view contentType(std::string_view name);

private:
    std::optional<std::filesystem::path> root_;
    std::filesystem::path canonicalRoot_;
    struct Built {
        const EmbeddedFile* file;
        std::string etag;
    };
    std::unordered_map<std::string_view, Built> embedded_;
};

/// The files of control/web/www, built into the binary (EmbeddedWebFiles.cpp, generated).
std::span<const EmbeddedFile> embeddedWebFiles();

} // namespace backline::control
