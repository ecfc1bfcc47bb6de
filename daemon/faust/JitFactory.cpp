// SPDX-License-Identifier: GPL-3.0-or-later
#include "faust/JitFactory.h"

#include <faust/dsp/llvm-dsp.h>

#include <utility>

namespace backline::faust {

namespace {

/// An llvm_dsp whose control-thread entry points that reach into libfaust (creation is done by
/// the factory; here: init and deletion) take libfaustMutex(). compute() passes straight through.
class LockedJitDsp final : public ::decorator_dsp {
public:
    explicit LockedJitDsp(::dsp* instance)
        : ::decorator_dsp(instance)
    {
    }

    ~LockedJitDsp() override
    {
        std::lock_guard lock(libfaustMutex());
        delete fDSP;
        fDSP = nullptr; // the base destructor then deletes nothing
    }

    void init(int sampleRate) override
    {
        std::lock_guard lock(libfaustMutex());
        fDSP->init(sampleRate);
    }

    void instanceInit(int sampleRate) override
    {
        std::lock_guard lock(libfaustMutex());
        fDSP->instanceInit(sampleRate);
    }

    ::decorator_dsp* clone() override
    {
        std::lock_guard lock(libfaustMutex());
        return new LockedJitDsp(fDSP->clone());
    }
};

} // namespace

std::mutex& libfaustMutex()
{
    static std::mutex mutex;
    return mutex;
}

JitFactory::JitFactory(llvm_dsp_factory* factory, std::filesystem::path file)
    : factory_(factory)
    , file_(std::move(file))
{
}

JitFactory::~JitFactory()
{
    std::lock_guard lock(libfaustMutex());
    deleteDSPFactory(factory_);
}

std::unique_ptr<::dsp> JitFactory::makeDsp()
{
    ::dsp* dsp = nullptr;
    {
        std::lock_guard lock(libfaustMutex());
        dsp = factory_->createDSPInstance();
    }
    if (dsp == nullptr)
        return nullptr;
    return std::make_unique<LockedJitDsp>(dsp);
}

} // namespace backline::faust
