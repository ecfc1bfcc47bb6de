// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/MeterReader.h"

#include "core/TransportRules.h"
#include "core/TransportText.h"

#include <fmt/format.h>

namespace backline::session {

Result<MeterSpec> readMeter(const YamlReader& yaml, const YamlEntry& field, std::string_view context)
{
    const auto shape = [&] {
        return yaml.errorAt(yaml.locate(field),
            fmt::format("'meter' must be two whole numbers like [4, 4] (beats to the bar, the beat's note value), got {}",
                YamlReader::describe(field.value)));
    };
    if (!field.value.IsSequence() || field.value.size() != 2)
        return shape();
    int parts[2] {};
    for (std::size_t i = 0; i < 2; ++i) {
        auto part = yaml.integer(YamlEntry {"meter", field.keyNode, field.value[i]}, -1'000'000, 1'000'000);
        if (!part)
            return shape();
        parts[i] = *part;
    }
    if (auto problem = transport::meterProblem(parts[0], parts[1]); !problem.empty()) {
        const bool beatsAtFault = parts[0] < 1 || parts[0] > transport::maxBeatsPerBar;
        return yaml.errorAt(yaml.locate(field.value[beatsAtFault ? 0 : 1]), fmt::format("{}: {}", context, problem));
    }
    return MeterSpec {parts[0], parts[1]};
}

} // namespace backline::session
