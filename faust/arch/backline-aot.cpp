// SPDX-License-Identifier: GPL-3.0-or-later
// Architecture file for backline's built-in DSP: the Faust compiler pastes one class here
// (renamed from mydsp by -cn) and we add the constructor the built-in catalogue calls.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>

#include <faust/dsp/dsp.h>
#include <faust/gui/UI.h>
#include <faust/gui/meta.h>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wpedantic"
#pragma GCC diagnostic ignored "-Wunused-variable"
#endif

<<includeIntrinsic>>

<<includeclass>>

#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

std::unique_ptr<::dsp> backline_make_mydsp();
std::unique_ptr<::dsp> backline_make_mydsp() { return std::make_unique<mydsp>(); }
