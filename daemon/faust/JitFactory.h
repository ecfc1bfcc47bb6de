// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "faust/DspFactory.h"

#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

class llvm_dsp_factory; // libfaust (faust/dsp/llvm-dsp.h)

namespace backline::faust {

/// [any] The one lock around every libfaust call: libfaust's compiler and factory tables are not
/// thread-safe. Never held on the audio thread (compute() of a JIT instance does not take it).
std::mutex& libfaustMutex();

/// A DSP compiled from a .dsp file by libfaust's LLVM backend (see JitCompiler).
class JitFactory final : public DspFactory {
public:
    /// Takes over one reference to factory; the destructor gives it back to libfaust.
    JitFactory(llvm_dsp_factory* factory, std::filesystem::path file);
    ~JitFactory() override;
    JitFactory(const JitFactory&) = delete;
    JitFactory& operator=(const JitFactory&) = delete;

    /// The .dsp file, absolute.
    std::string origin() const override { return file_.string(); }

protected:
    std::unique_ptr<::dsp> makeDsp() override;

private:
    llvm_dsp_factory* factory_;
    std::filesystem::path file_;
};

} // namespace backline::faust
