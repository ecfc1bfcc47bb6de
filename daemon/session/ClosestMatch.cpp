// SPDX-License-Identifier: GPL-3.0-or-later
#include "session/ClosestMatch.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace backline::session {

namespace {

char fold(char c) { return char(std::tolower(static_cast<unsigned char>(c))); }

/// Optimal string alignment distance: Levenshtein plus adjacent transpositions, which are
/// the most common typo ("gian", "dps").
std::size_t editDistance(std::string_view a, std::string_view b)
{
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::size_t> d((n + 1) * (m + 1));
    auto at = [m, &d](std::size_t i, std::size_t j) -> std::size_t& { return d[i * (m + 1) + j]; };
    for (std::size_t i = 0; i <= n; ++i)
        at(i, 0) = i;
    for (std::size_t j = 0; j <= m; ++j)
        at(0, j) = j;
    for (std::size_t i = 1; i <= n; ++i) {
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = fold(a[i - 1]) == fold(b[j - 1]) ? 0 : 1;
            at(i, j) = std::min({ at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost });
            if (i > 1 && j > 1 && fold(a[i - 1]) == fold(b[j - 2]) && fold(a[i - 2]) == fold(b[j - 1]))
                at(i, j) = std::min(at(i, j), at(i - 2, j - 2) + 1);
        }
    }
    return at(n, m);
}

} // namespace

std::optional<std::string_view> closestMatch(std::string_view word, std::span<const std::string_view> candidates)
{
    std::optional<std::string_view> best;
    std::size_t bestDistance = 0;
    for (std::string_view candidate : candidates) {
        const std::size_t distance = editDistance(word, candidate);
        // Short words tolerate one slip, longer ones two; beyond that a guess misleads more than it helps.
        const std::size_t tolerance = std::max(word.size(), candidate.size()) <= 4 ? 1 : 2;
        if (distance <= tolerance && (!best || distance < bestDistance)) {
            best = candidate;
            bestDistance = distance;
        }
    }
    return best;
}

} // namespace backline::session
