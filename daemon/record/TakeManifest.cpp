// SPDX-License-Identifier: GPL-3.0-or-later
#include "record/TakeManifest.h"

#include <yaml-cpp/yaml.h>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace backline::record {

namespace {

/// Format version of take.yaml (the `backline_take` key).
constexpr int manifestVersion = 1;

std::string emit(const TakeManifest& m)
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "backline_take" << YAML::Value << manifestVersion;
    out << YAML::Key << "name" << YAML::Value << m.name;
    out << YAML::Key << "complete" << YAML::Value << m.complete;
    if (!m.ended.empty())
        out << YAML::Key << "ended" << YAML::Value << m.ended;
    if (!m.error.empty())
        out << YAML::Key << "error" << YAML::Value << m.error;
    if (!m.repairedAt.empty())
        out << YAML::Key << "repaired_at" << YAML::Value << m.repairedAt;
    out << YAML::Key << "sample_rate" << YAML::Value << m.sampleRate;
    out << YAML::Key << "format" << YAML::Value << m.format;
    out << YAML::Key << "bits" << YAML::Value << m.bits;
    out << YAML::Key << "started" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "wall_clock" << YAML::Value << m.startedAt;
    out << YAML::Key << "capture_frame" << YAML::Value << m.startCaptureFrame;
    if (m.startEngineFrame)
        out << YAML::Key << "engine_frame" << YAML::Value << *m.startEngineFrame;
    out << YAML::Key << "preroll_frames" << YAML::Value << m.prerollFrames;
    out << YAML::EndMap;
    out << YAML::Key << "duration_frames" << YAML::Value << m.durationFrames;
    out << YAML::Key << "duration_seconds" << YAML::Value
        << (m.sampleRate > 0 ? double(m.durationFrames) / m.sampleRate : 0.0);

    std::uint64_t droppedTotal = 0;
    out << YAML::Key << "sources" << YAML::Value << YAML::BeginSeq;
    for (const auto& s : m.sources) {
        droppedTotal += s.droppedFrames;
        out << YAML::BeginMap;
        out << YAML::Key << "id" << YAML::Value << s.id;
        out << YAML::Key << "channels" << YAML::Value << s.channels;
        out << YAML::Key << "files" << YAML::Value << YAML::Flow << s.files;
        out << YAML::Key << "dropped_frames" << YAML::Value << s.droppedFrames;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
    out << YAML::Key << "dropped_frames" << YAML::Value << droppedTotal;

    out << YAML::Key << "segments" << YAML::Value << YAML::BeginSeq;
    for (const auto& g : m.segments) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "index" << YAML::Value << g.index;
        out << YAML::Key << "start_frame" << YAML::Value << g.startFrame;
        out << YAML::Key << "frames" << YAML::Value << g.frames;
        out << YAML::Key << "started" << YAML::Value << g.startedAt;
        if (!g.ended.empty())
            out << YAML::Key << "ended" << YAML::Value << g.ended;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "markers" << YAML::Value << YAML::BeginSeq;
    for (const auto& k : m.markers) {
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "name" << YAML::Value << YAML::DoubleQuoted << k.name;
        out << YAML::Key << "frame" << YAML::Value << k.frame;
        if (k.engineFrame)
            out << YAML::Key << "engine_frame" << YAML::Value << *k.engineFrame;
        out << YAML::Key << "wall_clock" << YAML::Value << k.wallClock;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;

    out << YAML::Key << "xruns" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "count" << YAML::Value << m.xrunCount;
    out << YAML::Key << "frames" << YAML::Value << YAML::Flow << m.xrunFrames;
    out << YAML::EndMap;

    out << YAML::Key << "session" << YAML::Value << YAML::Literal << m.session;
    out << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

template <typename T>
T get(const YAML::Node& n, const char* key, T fallback)
{
    const YAML::Node v = n[key];
    return v ? v.as<T>() : fallback;
}

} // namespace

Result<void> writeManifest(const std::filesystem::path& file, const TakeManifest& manifest)
{
    std::string text;
    try {
        text = emit(manifest);
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Io, file.string() + ": cannot format take.yaml (" + e.what() + ")");
    }
    const std::filesystem::path tmp = file.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return makeError(ErrorCode::Io, tmp.string() + ": cannot create (" + std::strerror(errno) + ")");
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t w = ::write(fd, p, left);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            return makeError(ErrorCode::Io, file.string() + ": cannot write (" + std::strerror(err) + ")");
        }
        p += w;
        left -= std::size_t(w);
    }
    // Durable before it replaces the previous version: a power cut leaves one whole file.
    if (::fdatasync(fd) != 0 || ::close(fd) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return makeError(ErrorCode::Io, file.string() + ": cannot sync (" + std::strerror(err) + ")");
    }
    if (std::rename(tmp.c_str(), file.c_str()) != 0) {
        const int err = errno;
        ::unlink(tmp.c_str());
        return makeError(ErrorCode::Io, file.string() + ": cannot replace (" + std::strerror(err) + ")");
    }
    return {};
}

Result<TakeManifest> readManifest(const std::filesystem::path& file)
{
    try {
        const YAML::Node root = YAML::LoadFile(file.string());
        if (!root.IsMap() || !root["backline_take"])
            return makeError(ErrorCode::Io, file.string() + ": not a take.yaml written by backline");
        TakeManifest m;
        m.name = get<std::string>(root, "name", "");
        m.complete = get<bool>(root, "complete", false);
        m.ended = get<std::string>(root, "ended", "");
        m.error = get<std::string>(root, "error", "");
        m.repairedAt = get<std::string>(root, "repaired_at", "");
        m.sampleRate = get<int>(root, "sample_rate", 48000);
        m.format = get<std::string>(root, "format", "");
        m.bits = get<int>(root, "bits", 24);
        if (const YAML::Node s = root["started"]) {
            m.startedAt = get<std::string>(s, "wall_clock", "");
            m.startCaptureFrame = get<std::uint64_t>(s, "capture_frame", 0);
            if (s["engine_frame"])
                m.startEngineFrame = s["engine_frame"].as<std::uint64_t>();
            m.prerollFrames = get<std::uint64_t>(s, "preroll_frames", 0);
        }
        m.durationFrames = get<std::uint64_t>(root, "duration_frames", 0);
        for (const auto& s : root["sources"]) {
            ManifestSource src;
            src.id = get<std::string>(s, "id", "");
            src.channels = get<int>(s, "channels", 1);
            src.files = get<std::vector<std::string>>(s, "files", {});
            src.droppedFrames = get<std::uint64_t>(s, "dropped_frames", 0);
            m.sources.push_back(std::move(src));
        }
        for (const auto& g : root["segments"]) {
            ManifestSegment seg;
            seg.index = get<int>(g, "index", 1);
            seg.startFrame = get<std::uint64_t>(g, "start_frame", 0);
            seg.frames = get<std::uint64_t>(g, "frames", 0);
            seg.startedAt = get<std::string>(g, "started", "");
            seg.ended = get<std::string>(g, "ended", "");
            m.segments.push_back(std::move(seg));
        }
        for (const auto& k : root["markers"]) {
            ManifestMarker mk;
            mk.name = get<std::string>(k, "name", "");
            mk.frame = get<std::uint64_t>(k, "frame", 0);
            if (k["engine_frame"])
                mk.engineFrame = k["engine_frame"].as<std::uint64_t>();
            mk.wallClock = get<std::string>(k, "wall_clock", "");
            m.markers.push_back(std::move(mk));
        }
        if (const YAML::Node x = root["xruns"]) {
            m.xrunCount = get<std::uint64_t>(x, "count", 0);
            m.xrunFrames = get<std::vector<std::uint64_t>>(x, "frames", {});
        }
        m.session = get<std::string>(root, "session", "");
        return m;
    } catch (const YAML::Exception& e) {
        return makeError(ErrorCode::Io,
            file.string() + ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1)
                + ": cannot read take.yaml (" + e.msg + ")");
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Io, file.string() + ": cannot read take.yaml (" + e.what() + ")");
    }
}

} // namespace backline::record
