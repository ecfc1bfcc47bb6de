// SPDX-License-Identifier: GPL-3.0-or-later
// Whole-file replacement that survives a crash at any point: temp file, sync, rename, sync of
// the folder ([control] and [disk] callers).
#include "core/AtomicFile.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace backline {

namespace {

Error ioError(const std::filesystem::path& file, std::string_view what, int error)
{
    return makeError(ErrorCode::Io, fmt::format("{}: {} ({})", file.string(), what, std::strerror(error)));
}

Result<void> writeAll(int fd, std::string_view text)
{
    while (!text.empty()) {
        const ssize_t written = ::write(fd, text.data(), text.size());
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return makeError(ErrorCode::Io, std::strerror(written < 0 ? errno : ENOSPC));
        text.remove_prefix(std::size_t(written));
    }
    return {};
}

} // namespace

Result<void> writeFileAtomically(
    const std::filesystem::path& link, std::string_view text, const std::function<void()>& beforeRename)
{
    // Through a symbolic link to the file it names: a rename over the link would replace it.
    std::error_code ec;
    std::filesystem::path file = link;
    if (std::filesystem::is_symlink(link, ec))
        if (auto target = std::filesystem::weakly_canonical(link, ec); !ec)
            file = std::move(target);
    const std::filesystem::path folder = file.has_parent_path() ? file.parent_path() : std::filesystem::path(".");
    struct stat target {};
    if (::stat(file.c_str(), &target) == 0 && S_ISDIR(target.st_mode))
        return makeError(ErrorCode::Io, fmt::format("{}: cannot write: it is a folder", file.string()));
    // In the same folder: a rename is atomic only within one filesystem.
    std::string temp = (folder / ("." + file.filename().string() + ".saving-XXXXXX")).string();
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0)
        return ioError(folder, "cannot create a file in this folder", errno);
    // mkostemp makes it 0600; a session file is as readable as any other the user writes.
    const mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(fd, (target.st_mode != 0 ? target.st_mode : 0666 & ~mask) & 07777);
    if (auto written = writeAll(fd, text); !written) {
        ::close(fd);
        ::unlink(temp.c_str());
        return makeError(ErrorCode::Io, fmt::format("{}: cannot write ({})", file.string(), written.error().message));
    }
    // Durable before it replaces the old file: a power cut leaves one whole file.
    if (::fsync(fd) != 0) {
        const int error = errno;
        ::close(fd);
        ::unlink(temp.c_str());
        return ioError(file, "cannot sync", error);
    }
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return ioError(file, "cannot write", error);
    }
    if (beforeRename)
        beforeRename();
    if (std::rename(temp.c_str(), file.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp.c_str());
        return ioError(file, "cannot replace", error);
    }
    // The rename itself is durable once the folder's entry is.
    const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return ioError(folder, "cannot sync the folder", errno);
    const int synced = ::fsync(dir);
    const int error = errno;
    ::close(dir);
    if (synced != 0)
        return ioError(folder, "cannot sync the folder", error);
    return {};
}

} // namespace backline
