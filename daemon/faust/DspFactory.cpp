// SPDX-License-Identifier: GPL-3.0-or-later
#include "faust/DspFactory.h"

#include "faust/ParamCollector.h"

#include <faust/dsp/dsp.h>
#include <faust/gui/meta.h>

#include <cassert>
#include <cstring>
#include <exception>
#include <string>
#include <utility>

namespace backline::faust {

namespace {

/// Reads a DSP's `declare smoothing "engine";`.
struct SmoothingDeclaration : Meta {
    bool engine = false;
    void declare(const char* key, const char* value) override
    {
        if (std::strcmp(key, "smoothing") == 0 && std::strcmp(value, "engine") == 0)
            engine = true;
    }
};

} // namespace

Result<std::unique_ptr<DspInstance>> DspFactory::instantiate(int sampleRate)
{
    if (sampleRate <= 0)
        return makeError(
            ErrorCode::Engine, origin() + ": cannot run at a sample rate of " + std::to_string(sampleRate) + " Hz");
    std::shared_ptr<DspFactory> self = weak_from_this().lock();
    if (!self)
        return makeError(ErrorCode::Faust, origin() + ": internal error: DSP factory not owned by a shared_ptr");

    std::unique_ptr<::dsp> dsp;
    try {
        dsp = makeDsp();
    } catch (const std::exception& e) {
        return makeError(ErrorCode::Faust, origin() + ": cannot create an instance: " + e.what());
    }
    if (!dsp)
        return makeError(ErrorCode::Faust, origin() + ": cannot create an instance");

    const int inputs = dsp->getNumInputs();
    const int outputs = dsp->getNumOutputs();
    if (inputs > config::maxDspChannels || outputs > config::maxDspChannels)
        return makeError(ErrorCode::Faust,
            origin() + ": has " + std::to_string(inputs) + " inputs and " + std::to_string(outputs)
                + " outputs; backline takes at most " + std::to_string(config::maxDspChannels) + " of each");

    // Checked before the instance exists: a soundfile zone left empty would crash compute().
    auto params = ParamCollector::collect(*dsp, origin());
    if (!params)
        return params.error();

    return std::unique_ptr<DspInstance>(std::make_unique<DspInstance>(std::move(self), std::move(dsp), sampleRate));
}

DspInstance::DspInstance(std::shared_ptr<DspFactory> factory, std::unique_ptr<::dsp> dsp, int sampleRate)
    : factory_(std::move(factory))
    , dsp_(std::move(dsp))
    , raw_(dsp_.get())
{
    assert(factory_ && dsp_);
    raw_->init(sampleRate);
    numInputs_ = raw_->getNumInputs();
    numOutputs_ = raw_->getNumOutputs();
    SmoothingDeclaration smoothing;
    raw_->metadata(&smoothing);
    smoothedByEngine_ = smoothing.engine;
    // The zones are members of the Faust object, so they stay put for the instance's life.
    auto params = ParamCollector::collect(*raw_, factory_->origin());
    if (params)
        params_ = std::move(params.value());
    // Faust resets every checkbox to 0; one that declares [init:1] starts ticked.
    for (const DspParam& p : params_)
        *p.zone = p.init;
}

DspInstance::~DspInstance() = default;

const DspParam* DspInstance::findParam(const std::string& path) const noexcept
{
    for (const DspParam& p : params_) {
        if (p.path == path)
            return &p;
    }
    return nullptr;
}

// Faust's generated compute() is not annotated, but by construction it only does arithmetic on
// the instance's own memory: no allocation, locks or I/O. Tell clang to take that on trust.
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wfunction-effects"
#endif
void DspInstance::compute(int nframes, FAUSTFLOAT** inputs, FAUSTFLOAT** outputs) noexcept BACKLINE_NONBLOCKING
{
    raw_->compute(nframes, inputs, outputs);
}

// instanceClear() is generated the same way: loops that zero the instance's own arrays.
void DspInstance::clear() noexcept BACKLINE_NONBLOCKING
{
    raw_->instanceClear();
}
#if defined(__clang__)
#pragma clang diagnostic pop
#endif

} // namespace backline::faust
