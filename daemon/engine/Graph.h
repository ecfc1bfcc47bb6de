// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "engine/AudioBuffer.h"
#include "engine/ParamTable.h"
#include "engine/Smoother.h"
#include "faust/DspFactory.h"

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace backline::engine {

/// One DSP instance in the graph, with the buffers it reads and writes.
struct DspStage {
    std::unique_ptr<faust::DspInstance> dsp;
    AudioBuffer in;                    ///< numInputs channels (filled by channel mapping)
    AudioBuffer out;                   ///< numOutputs channels
    std::vector<ParamId> rampedParams; ///< parameters the engine smooths for this stage
};

/// Where a parameter's value goes on the audio thread.
struct ParamSlot {
    FAUSTFLOAT* zone = nullptr;
    Smoother smoother;
    Smoothing smoothing = Smoothing::None;
};

/// A track: inputs → optional DSP stage → built-in strip stage → master bus.
struct TrackNode {
    std::string name;
    int channels = 1;
    int inputBase = -1;               ///< first engine input channel, or -1 when it takes none
    std::optional<std::size_t> source; ///< index of its DSP stage
    std::size_t strip = 0;            ///< index of its strip stage (always 2 outputs)
    AudioBuffer signal;               ///< channels × maxFrames: what enters the strip
    std::optional<std::filesystem::path> inputFile; ///< offline renders feed the inputs from it
};

/// A processing graph built whole off the audio thread from a session, then handed to the
/// engine. Once installed the audio thread owns its mutable state (smoothers, DSP state);
/// the control side only reads its immutable parts (names, table) until it is retired.
struct Graph {
    std::uint64_t generation = 0; ///< unique per build; commands carry it
    int sampleRate = 48000;
    std::uint32_t maxFrames = 0;

    std::vector<DspStage> stages;
    std::vector<TrackNode> tracks;
    std::optional<std::size_t> masterUser; ///< the session's master DSP stage, if any
    std::size_t master = 0;                ///< the built-in master chain stage
    AudioBuffer masterBus;                 ///< sum of the strips (2 × maxFrames)
    AudioBuffer silence;                   ///< 1 × maxFrames of zeros for unconnected inputs

    std::shared_ptr<const ParamTable> params;
    std::vector<ParamSlot> slots;    ///< by ParamId
    std::vector<float> initialValues; ///< by ParamId: the session's values (or the DSP's)

    /// Engine input channels: JACK port short names and what each connects to ("" for none).
    std::vector<std::string> inputNames;
    std::vector<std::string> inputConnections;
    /// The two master outputs.
    std::array<std::string, 2> outputNames {"out_L", "out_R"};
    std::vector<std::string> outputConnections; ///< empty: the backend picks physical outputs

    /// Backend's port handles, in the order of inputNames / outputNames (JACK fills them).
    std::vector<void*> inputHandles;
    std::array<void*, 2> outputHandles {nullptr, nullptr};
};

} // namespace backline::engine
