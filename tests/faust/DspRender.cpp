// SPDX-License-Identifier: GPL-3.0-or-later
#include "DspRender.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace backline::test {

std::unique_ptr<faust::DspInstance> builtin(const std::string& name)
{
    auto factory = faust::builtinFactory(name);
    EXPECT_TRUE(factory.has_value()) << (factory ? "" : factory.error().message);
    if (!factory)
        return nullptr;
    auto instance = factory.value()->instantiate(testSampleRate);
    EXPECT_TRUE(instance.has_value()) << (instance ? "" : instance.error().message);
    return instance ? std::move(instance.value()) : nullptr;
}

void setParam(faust::DspInstance& dsp, const std::string& path, float value)
{
    const faust::DspParam* param = dsp.findParam(path);
    ASSERT_NE(param, nullptr) << dsp.origin() << " has no control '" << path << "'";
    *param->zone = value;
}

Channels render(faust::DspInstance& dsp, const Channels& inputs, std::size_t frames, std::size_t blockFrames)
{
    EXPECT_EQ(inputs.size(), std::size_t(dsp.numInputs()));
    Channels outputs(std::size_t(dsp.numOutputs()), std::vector<float>(frames));
    std::vector<float*> in(inputs.size());
    std::vector<float*> out(outputs.size());
    for (std::size_t start = 0; start < frames; start += blockFrames) {
        const std::size_t n = std::min(blockFrames, frames - start);
        for (std::size_t c = 0; c < inputs.size(); ++c)
            in[c] = const_cast<float*>(inputs[c].data() + start); // Faust's compute() takes non-const
        for (std::size_t c = 0; c < outputs.size(); ++c)
            out[c] = outputs[c].data() + start;
        dsp.compute(int(n), in.data(), out.data());
    }
    return outputs;
}

} // namespace backline::test
