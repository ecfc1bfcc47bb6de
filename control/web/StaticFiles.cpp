// SPDX-License-Identifier: GPL-3.0-or-later
// The page's files on the web thread: from the binary or a folder, with their type and ETag.
#include "control/web/StaticFiles.h"

#include "control/web/WebConfig.h"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <iterator>
#include <system_error>
#include <utility>

namespace backline::control {

namespace {

std::uint64_t fnv1a(const unsigned char* bytes, std::size_t size)
{
    std::uint64_t h = 1469598103934665603ULL;
    for (std::size_t i = 0; i < size; ++i)
        h = (h ^ bytes[i]) * 1099511628211ULL;
    return h;
}

std::string withIndex(std::string_view path)
{
    std::string p(path);
    if (p.empty() || p.back() == '/')
        p += "index.html";
    return p;
}

} // namespace

std::string_view StaticFiles::contentType(std::string_view name)
{
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 18> types {{
        {".html", "text/html; charset=utf-8"},
        {".htm", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".map", "application/json"},
        {".webmanifest", "application/manifest+json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".woff", "font/woff"},
        {".txt", "text/plain; charset=utf-8"},
        {".wasm", "application/wasm"},
        {".webp", "image/webp"},
        {".xml", "application/xml"},
    }};
    const auto dot = name.rfind('.');
    if (dot != std::string_view::npos && name.find('/', dot) == std::string_view::npos)
        for (const auto& [extension, type] : types)
            if (name.substr(dot) == extension)
                return type;
    return "application/octet-stream";
}

StaticFiles::StaticFiles(std::span<const EmbeddedFile> embedded)
{
    for (const auto& file : embedded)
        embedded_.emplace(std::string_view(file.path),
            Built {&file, fmt::format("\"{:016x}\"", fnv1a(file.bytes, file.size))});
}

StaticFiles::StaticFiles(std::filesystem::path root)
    : root_(std::move(root))
{
    std::error_code ec;
    canonicalRoot_ = std::filesystem::canonical(*root_, ec);
    if (ec)
        canonicalRoot_ = *root_;
}

std::string StaticFiles::describe() const
{
    if (root_)
        return fmt::format("files from {}", root_->string());
    return fmt::format("{} built-in file{}", embedded_.size(), embedded_.size() == 1 ? "" : "s");
}

std::optional<StaticFile> StaticFiles::find(std::string_view path) const
{
    const std::string wanted = withIndex(path);
    if (!root_) {
        auto it = embedded_.find(wanted);
        if (it == embedded_.end())
            return std::nullopt;
        const EmbeddedFile& f = *it->second.file;
        return StaticFile {std::string(reinterpret_cast<const char*>(f.bytes), f.size),
            std::string(contentType(wanted)), it->second.etag};
    }
    std::error_code ec;
    std::filesystem::path file = canonicalRoot_ / std::filesystem::path(wanted).relative_path();
    if (std::filesystem::is_directory(file, ec))
        file /= "index.html";
    // canonical() resolves symbolic links: a link that points out of the folder is not served.
    const auto real = std::filesystem::canonical(file, ec);
    if (ec)
        return std::nullopt;
    const auto relative = real.lexically_relative(canonicalRoot_);
    if (relative.empty() || *relative.begin() == "..")
        return std::nullopt;
    if (!std::filesystem::is_regular_file(real, ec))
        return std::nullopt;
    const auto size = std::filesystem::file_size(real, ec);
    if (ec || size > config::webMaxFileBytes)
        return std::nullopt;
    const auto modified = std::filesystem::last_write_time(real, ec);
    std::ifstream in(real, std::ios::binary);
    if (!in)
        return std::nullopt;
    StaticFile out;
    out.body.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    out.contentType = std::string(contentType(real.filename().string()));
    out.etag = fmt::format("\"{:x}-{:x}\"", out.body.size(),
        std::uint64_t(modified.time_since_epoch().count()));
    return out;
}

} // namespace backline::control
