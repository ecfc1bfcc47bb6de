// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <memory>
#include <span>

class dsp; // Faust's base class (faust/dsp/dsp.h)

namespace backline::faust {

/// One DSP compiled ahead of time from faust/ (see cmake/Faust.cmake).
struct BuiltinEntry {
    const char* name;               ///< the class name given to faust -cn, e.g. "strip_mono"
    std::unique_ptr<::dsp> (*make)(); ///< a fresh, uninitialised instance
};

/// [any] Every built-in DSP, generated at build time.
std::span<const BuiltinEntry> builtinCatalog() noexcept;

} // namespace backline::faust
