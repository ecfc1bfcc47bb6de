// SPDX-License-Identifier: GPL-3.0-or-later
// The `master:` map ([control]).
#include "session/MasterReader.h"

#include "session/ChannelReader.h"
#include "session/DspReader.h"

#include <fmt/format.h>

#include <array>

namespace backline::session {

namespace {

constexpr std::size_t maxMasterOutputs = 2;
constexpr std::array<std::string_view, 5> masterKeys { "dsp", "params", "chain", "gain", "outputs" };

} // namespace

Result<void> readMaster(
    const YamlReader& yaml, const YamlEntry& entry, const std::filesystem::path& folder, MasterSpec& master)
{
    auto entries = yaml.mapEntries(entry, "in 'master'");
    if (!entries)
        return entries.error();
    if (auto known = yaml.checkKeys(*entries, masterKeys, "in 'master'"); !known)
        return known;
    master.where = yaml.locate(entry);
    const YamlEntry* params = nullptr;
    for (const YamlEntry& field : *entries) {
        if (field.key == "dsp") {
            auto dsp = readDsp(yaml, field, folder);
            if (!dsp)
                return dsp.error();
            master.dsp = std::move(*dsp);
        } else if (field.key == "params") {
            auto values = readDspParams(yaml, field, "'master'");
            if (!values)
                return values.error();
            master.dspParams = std::move(*values);
            params = &field;
        } else if (field.key == "chain") {
            auto values = readDspParams(yaml, field, "'master'");
            if (!values)
                return values.error();
            master.chain = std::move(*values);
        } else if (field.key == "gain") {
            auto gain = yaml.number(field, gainRange);
            if (!gain)
                return gain.error();
            master.gainDb = *gain;
        } else if (field.key == "outputs") {
            // `outputs: []` is kept as an empty list: it asks for no connection, while a master
            // without the key gets the physical playback ports.
            auto ports = yaml.textList(field, "a JACK port name", "[system:playback_1, system:playback_2]");
            if (!ports)
                return ports.error();
            if (ports->size() > maxMasterOutputs)
                return yaml.errorAt(yaml.locate(field),
                    fmt::format("'outputs' lists {} ports but the master has {} outputs (left, right)", ports->size(),
                        maxMasterOutputs));
            master.outputs = std::move(*ports);
        }
    }
    if (params && master.dsp.kind == DspSpec::Kind::None)
        return yaml.errorAt(yaml.locate(params->keyNode),
            "'params' in 'master' needs a 'dsp' to apply to (the master's own level is 'gain')");
    return {};
}

} // namespace backline::session
