// SPDX-License-Identifier: GPL-3.0-or-later
// The nearest-name rule of every "did you mean" (OSC addresses, session keys and names); any
// thread but audio (it allocates).
#include "core/ClosestMatch.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace backline {

namespace {

char fold(char c) { return char(std::tolower(static_cast<unsigned char>(c))); }

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions, which are
/// the most common typo ("gian", "dps"). Three rolling rows in `rows`, reused across calls so
/// a table of thousands of addresses costs one allocation.
std::size_t editDistance(std::string_view a, std::string_view b, std::vector<std::size_t>& rows)
{
    const std::size_t m = b.size();
    rows.assign(3 * (m + 1), 0);
    std::size_t* older = rows.data();     // row i - 2
    std::size_t* previous = older + m + 1; // row i - 1
    std::size_t* current = previous + m + 1;
    for (std::size_t j = 0; j <= m; ++j)
        previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
            current[j] = std::min({ previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost });
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
                current[j] = std::min(current[j], older[j - 2] + 1);
        }
        std::swap(older, previous);
        std::swap(previous, current);
    }
    return previous[m];
}

} // namespace

std::optional<std::string_view> closestMatch(std::string_view word, std::span<const std::string_view> candidates)
{
    std::optional<std::string_view> best;
    std::size_t bestDistance = 0;
    std::vector<std::size_t> rows;
    for (std::string_view candidate : candidates) {
        // Short words tolerate one slip, longer ones two; beyond that a guess misleads more than it helps.
        const std::size_t tolerance = std::max(word.size(), candidate.size()) <= 4 ? 1 : 2;
        // The distance is at least the difference in length: most of a long list is skipped unread.
        const std::size_t lengthGap
            = word.size() > candidate.size() ? word.size() - candidate.size() : candidate.size() - word.size();
        if (lengthGap > tolerance)
            continue;
        const std::size_t distance = editDistance(word, candidate, rows);
        if (distance <= tolerance && (!best || distance < bestDistance)) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

} // namespace backline
