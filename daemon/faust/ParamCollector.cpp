// SPDX-License-Identifier: GPL-3.0-or-later
#include "faust/ParamCollector.h"

#include <faust/dsp/dsp.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <utility>

namespace backline::faust {

namespace {
/// Faust names anonymous groups "0x00"; they do not take part in paths.
bool isAnonymous(const char* label) { return label == nullptr || label[0] == '\0' || std::strcmp(label, "0x00") == 0; }
} // namespace

Result<std::vector<DspParam>> ParamCollector::collect(::dsp& dsp, const std::string& origin)
{
    ParamCollector collector(origin);
    dsp.buildUserInterface(&collector);
    if (!collector.error_.empty())
        return makeError(ErrorCode::Faust, std::move(collector.error_));
    return std::move(collector.params_);
}

ParamCollector::ParamCollector(std::string origin)
    : origin_(std::move(origin))
{
}

void ParamCollector::openBox(const char* label)
{
    groups_.emplace_back(label ? label : "");
    meta_.erase(nullptr); // group metadata is declared on the null zone; we do not use it
}

void ParamCollector::closeBox()
{
    if (!groups_.empty())
        groups_.pop_back();
}

void ParamCollector::addButton(const char* label, FAUSTFLOAT* zone)
{
    add(label, zone, ParamKind::Trigger, 0, 0, 1, 1);
}

void ParamCollector::addCheckButton(const char* label, FAUSTFLOAT* zone)
{
    add(label, zone, ParamKind::Toggle, 0, 0, 1, 1);
}

void ParamCollector::addVerticalSlider(
    const char* label, FAUSTFLOAT* zone, FAUSTFLOAT init, FAUSTFLOAT min, FAUSTFLOAT max, FAUSTFLOAT step)
{
    add(label, zone, ParamKind::Continuous, init, min, max, step);
}

void ParamCollector::addHorizontalSlider(
    const char* label, FAUSTFLOAT* zone, FAUSTFLOAT init, FAUSTFLOAT min, FAUSTFLOAT max, FAUSTFLOAT step)
{
    add(label, zone, ParamKind::Continuous, init, min, max, step);
}

void ParamCollector::addNumEntry(
    const char* label, FAUSTFLOAT* zone, FAUSTFLOAT init, FAUSTFLOAT min, FAUSTFLOAT max, FAUSTFLOAT step)
{
    add(label, zone, ParamKind::Stepped, init, min, max, step);
}

void ParamCollector::addSoundfile(const char* label, const char*, Soundfile**)
{
    fail(origin_ + ": uses the soundfile '" + pathOf(label)
        + "', which backline does not support (load the sound as a track input instead)");
}

void ParamCollector::declare(FAUSTFLOAT* zone, const char* key, const char* value)
{
    if (key == nullptr || value == nullptr)
        return;
    if (std::strcmp(key, "unit") == 0)
        meta_[zone].unit = value;
    else if (std::strcmp(key, "tooltip") == 0)
        meta_[zone].tooltip = value;
    else if (std::strcmp(key, "scale") == 0)
        meta_[zone].logScale = std::strcmp(value, "log") == 0;
    else if (std::strcmp(key, "init") == 0)
        meta_[zone].startsTicked = std::strcmp(value, "0") != 0;
    else if (std::strcmp(key, "midi") == 0) {
        // Faust's MIDI metadata: "ctrl 7" (a controller; Faust's own MIDI classes read the same);
        // the others ("keyon 60", "pitchwheel", …) are the instrument's business, not a mapping.
        const char* at = value;
        while (*at == ' ')
            ++at;
        if (std::strncmp(at, "ctrl ", 5) == 0) {
            char* end = nullptr;
            const long cc = std::strtol(at + 5, &end, 10);
            if (end != at + 5 && cc >= 0 && cc <= 127)
                meta_[zone].midiCc = int(cc);
        }
    }
}

void ParamCollector::add(const char* label, FAUSTFLOAT* zone, ParamKind kind, FAUSTFLOAT init, FAUSTFLOAT min,
    FAUSTFLOAT max, FAUSTFLOAT step)
{
    DspParam param;
    param.path = pathOf(label);
    param.kind = kind;
    param.init = init;
    param.min = min;
    param.max = max;
    param.step = step;
    param.zone = zone;
    if (auto it = meta_.find(zone); it != meta_.end()) {
        param.unit = std::move(it->second.unit);
        param.tooltip = std::move(it->second.tooltip);
        param.logScale = it->second.logScale;
        param.midiCc = it->second.midiCc;
        if (kind == ParamKind::Toggle && it->second.startsTicked)
            param.init = 1;
        meta_.erase(it);
    }
    const bool taken
        = std::any_of(params_.begin(), params_.end(), [&](const DspParam& p) { return p.path == param.path; });
    if (taken) {
        fail(origin_ + ": two controls are both called '" + param.path
            + "' (give them different labels or put them in different groups)");
        return;
    }
    params_.push_back(std::move(param));
}

std::string ParamCollector::pathOf(const char* label) const
{
    std::string path;
    // groups_[0] is the top-level group: paths are relative to it.
    for (std::size_t i = 1; i < groups_.size(); ++i) {
        if (isAnonymous(groups_[i].c_str()))
            continue;
        path += groups_[i];
        path += '/';
    }
    path += label ? label : "";
    return path;
}

void ParamCollector::fail(std::string message)
{
    if (error_.empty())
        error_ = std::move(message);
}

} // namespace backline::faust
