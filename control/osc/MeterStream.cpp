// SPDX-License-Identifier: GPL-3.0-or-later
#include "control/osc/MeterStream.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace backline::control {

namespace {

void putU32(std::vector<std::uint8_t>& out, std::uint32_t v)
{
    out.push_back(std::uint8_t(v >> 24));
    out.push_back(std::uint8_t(v >> 16));
    out.push_back(std::uint8_t(v >> 8));
    out.push_back(std::uint8_t(v));
}

void putFloat(std::vector<std::uint8_t>& out, float f)
{
    std::uint32_t bits = 0;
    std::memcpy(&bits, &f, 4);
    putU32(out, bits);
}

} // namespace

float dbArg(double db)
{
    return std::isfinite(db) ? float(std::max(db, -200.0)) : -200.0f;
}

void MeterStream::update(port::MeterSnapshot snapshot)
{
    snapshot_ = std::move(snapshot);
    const bool same = names_.size() == snapshot_.meters.size()
        && std::equal(names_.begin(), names_.end(), snapshot_.meters.begin(),
            [](const std::string& name, const port::MeterReading& m) { return name == m.name; });
    if (!same || layoutId_ == 0) {
        names_.clear();
        for (const auto& m : snapshot_.meters)
            names_.push_back(m.name);
        ++layoutId_;
    }
    levels_.reset();
    single_.reset();
    blob_.reset();
}

const std::vector<OscReply>& MeterStream::messages(MeterFormat format)
{
    const auto& l = snapshot_.loudness;
    if (format == MeterFormat::Single) {
        if (!single_) {
            single_.emplace();
            for (const auto& m : snapshot_.meters) {
                const auto& v = m.level;
                single_->push_back({"/meters/" + m.name + "/peak", {dbArg(std::max(v.peakDb[0], v.peakDb[1]))}});
                single_->push_back({"/meters/" + m.name + "/rms", {dbArg(std::max(v.rmsDb[0], v.rmsDb[1]))}});
            }
            single_->push_back({"/meters/loudness/momentary", {dbArg(l.momentary)}});
            single_->push_back({"/meters/loudness/short_term", {dbArg(l.shortTerm)}});
            single_->push_back({"/meters/loudness/integrated", {dbArg(l.integrated)}});
            single_->push_back({"/meters/loudness/range", {float(l.range)}});
            single_->push_back({"/meters/loudness/true_peak", {dbArg(l.truePeak)}});
        }
        return *single_;
    }
    if (!levels_) {
        levels_.emplace();
        for (const auto& m : snapshot_.meters) {
            const auto& v = m.level;
            levels_->push_back({"/meters/" + m.name,
                {dbArg(v.peakDb[0]), dbArg(v.peakDb[1]), dbArg(v.rmsDb[0]), dbArg(v.rmsDb[1])}});
        }
        levels_->push_back({"/meters/loudness",
            {dbArg(l.momentary), dbArg(l.shortTerm), dbArg(l.integrated), float(l.range), dbArg(l.truePeak)}});
    }
    return *levels_;
}

OscReply MeterStream::names() const
{
    OscReply reply {"/meters/names", {int(layoutId_)}};
    for (const auto& name : names_)
        reply.args.emplace_back(name);
    return reply;
}

const std::vector<std::uint8_t>& MeterStream::blob()
{
    if (!blob_) {
        blob_.emplace();
        auto& out = *blob_;
        out.reserve(12 + snapshot_.meters.size() * 16 + 20);
        putU32(out, 1); // layout version of the blob itself
        putU32(out, std::uint32_t(layoutId_));
        putU32(out, std::uint32_t(snapshot_.meters.size()));
        for (const auto& m : snapshot_.meters) {
            putFloat(out, dbArg(m.level.peakDb[0]));
            putFloat(out, dbArg(m.level.peakDb[1]));
            putFloat(out, dbArg(m.level.rmsDb[0]));
            putFloat(out, dbArg(m.level.rmsDb[1]));
        }
        const auto& l = snapshot_.loudness;
        putFloat(out, dbArg(l.momentary));
        putFloat(out, dbArg(l.shortTerm));
        putFloat(out, dbArg(l.integrated));
        putFloat(out, float(l.range));
        putFloat(out, dbArg(l.truePeak));
    }
    return *blob_;
}

const char* MeterStream::formatName(MeterFormat format)
{
    switch (format) {
    case MeterFormat::Single:
        return "single";
    case MeterFormat::Blob:
        return "blob";
    case MeterFormat::Levels:
        break;
    }
    return "levels";
}

std::optional<MeterFormat> MeterStream::parseFormat(std::string_view name)
{
    if (name == "levels")
        return MeterFormat::Levels;
    if (name == "single")
        return MeterFormat::Single;
    if (name == "blob")
        return MeterFormat::Blob;
    return std::nullopt;
}

} // namespace backline::control
