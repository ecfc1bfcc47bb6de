// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in DSP as DspFactory objects: a thin shell over the generated catalogue.
#include "faust/BuiltinCatalog.h"
#include "faust/DspFactory.h"

#include <faust/dsp/dsp.h>

namespace backline::faust {

namespace {

/// A DSP class compiled into the daemon from faust/.
class BuiltinDspFactory final : public DspFactory {
public:
    explicit BuiltinDspFactory(const BuiltinEntry& entry)
        : entry_(entry)
    {
    }

    std::string origin() const override { return entry_.name; }

protected:
    std::unique_ptr<::dsp> makeDsp() override { return entry_.make(); }

private:
    BuiltinEntry entry_;
};

} // namespace

Result<std::shared_ptr<DspFactory>> builtinFactory(const std::string& name)
{
    for (const BuiltinEntry& entry : builtinCatalog()) {
        if (name == entry.name)
            return std::shared_ptr<DspFactory>(std::make_shared<BuiltinDspFactory>(entry));
    }
    std::string known;
    for (const std::string& n : builtinNames())
        known += (known.empty() ? "" : ", ") + n;
    return makeError(ErrorCode::Faust, "there is no built-in DSP called '" + name + "' (built-ins: " + known + ")");
}

std::vector<std::string> builtinNames()
{
    std::vector<std::string> names;
    for (const BuiltinEntry& entry : builtinCatalog())
        names.emplace_back(entry.name);
    return names;
}

} // namespace backline::faust
