// SPDX-License-Identifier: GPL-3.0-or-later
#include "port/Param.h"

#include "core/Config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace backline::port {

const char* toString(ParamKind kind)
{
    switch (kind) {
    case ParamKind::Toggle:
        return "toggle";
    case ParamKind::Trigger:
        return "trigger";
    case ParamKind::Stepped:
        return "stepped";
    case ParamKind::Continuous:
        break;
    }
    return "continuous";
}

namespace {

std::string rangeText(const ParamInfo& info)
{
    return fmt::format("{:g} to {:g}{}", info.min, info.max, info.unit.empty() ? "" : " " + info.unit);
}

} // namespace

Result<float> checkValue(const ParamInfo& info, std::string_view address, double value)
{
    if (!std::isfinite(value))
        return makeError(ErrorCode::Param, fmt::format("{}: value must be a finite number", address));
    if (value < info.min || value > info.max)
        return makeError(ErrorCode::Param,
            fmt::format("{}: {:g} is out of range ({})", address, value, rangeText(info)));
    auto applied = float(value);
    switch (info.kind) {
    case ParamKind::Toggle:
    case ParamKind::Trigger:
        if (value != 0.0 && value != 1.0)
            return makeError(ErrorCode::Param, fmt::format("{}: expects 0 or 1, got {:g}", address, value));
        break;
    case ParamKind::Stepped:
        if (info.step > 0.0f)
            applied = std::clamp(info.min + std::round((applied - info.min) / info.step) * info.step, info.min, info.max);
        break;
    case ParamKind::Continuous:
        break;
    }
    return applied;
}

std::string fadeProblem(double seconds)
{
    if (std::isfinite(seconds) && seconds >= 0.0 && seconds <= config::maxMorphSeconds)
        return {};
    return fmt::format("a fade must be from 0 to {:g} seconds, got {:g}", config::maxMorphSeconds, seconds);
}

} // namespace backline::port
