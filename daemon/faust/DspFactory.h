// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "core/Nonblocking.h"
#include "core/Result.h"
#include "faust/DspParam.h"

#include <memory>
#include <string>
#include <vector>

class dsp; // Faust's base class (faust/dsp/dsp.h)

namespace backline::config {
/// Most inputs or outputs a DSP may have; a DSP with more is refused when instantiated.
inline constexpr int maxDspChannels = 64;
} // namespace backline::config

namespace backline::faust {

class DspInstance;

/// A compiled DSP from which instances are made: a built-in class or a JIT-compiled file.
/// Shared by every instance it made so that libfaust's factory outlives them.
class DspFactory : public std::enable_shared_from_this<DspFactory> {
public:
    virtual ~DspFactory() = default;

    /// [control] A new instance initialised at sampleRate, its parameters at their defaults.
    /// Fails (ErrorCode::Faust) for a DSP with a soundfile, more than config::maxDspChannels
    /// inputs or outputs, or two controls with one path.
    Result<std::unique_ptr<DspInstance>> instantiate(int sampleRate);

    /// Where it came from, for messages: the built-in name or the file path.
    virtual std::string origin() const = 0;

protected:
    /// [control] A fresh uninitialised Faust instance, or nullptr on failure.
    virtual std::unique_ptr<::dsp> makeDsp() = 0;
};

/// One running DSP with its parameters resolved to zone pointers. Built and destroyed off the
/// audio thread; only compute() runs on it.
class DspInstance {
public:
    DspInstance(std::shared_ptr<DspFactory> factory, std::unique_ptr<::dsp> dsp, int sampleRate);
    ~DspInstance();
    DspInstance(const DspInstance&) = delete;
    DspInstance& operator=(const DspInstance&) = delete;

    int numInputs() const noexcept { return numInputs_; }
    int numOutputs() const noexcept { return numOutputs_; }
    const std::vector<DspParam>& params() const noexcept { return params_; }
    /// The parameter at `path`, or nullptr.
    const DspParam* findParam(const std::string& path) const noexcept;
    std::string origin() const { return factory_->origin(); }
    /// True when the DSP declares `smoothing "engine"`: its controls do not glide by themselves
    /// (their coefficients are computed once per compute()), so the engine ramps every
    /// continuous one, frequencies and Qs by equal ratios, and computes it in short slices meanwhile.
    bool smoothedByEngine() const noexcept { return smoothedByEngine_; }

    /// [audio] Runs the DSP over nframes.
    void compute(int nframes, FAUSTFLOAT** inputs, FAUSTFLOAT** outputs) noexcept BACKLINE_NONBLOCKING;
    /// [audio] Resets its state (delay lines, filters, oscillators) to silence; parameters stay.
    void clear() noexcept BACKLINE_NONBLOCKING;

private:
    std::shared_ptr<DspFactory> factory_;
    std::unique_ptr<::dsp> dsp_;
    ::dsp* raw_ = nullptr; // devirtualised handle for compute()
    int numInputs_ = 0;
    int numOutputs_ = 0;
    bool smoothedByEngine_ = false;
    std::vector<DspParam> params_;
};

/// [control] The built-in DSP called name, or an error listing the names there are.
Result<std::shared_ptr<DspFactory>> builtinFactory(const std::string& name);

/// [control] Names of every built-in DSP.
std::vector<std::string> builtinNames();

} // namespace backline::faust
