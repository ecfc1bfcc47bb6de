// SPDX-License-Identifier: GPL-3.0-or-later
// Checks control/OSC.md against the OSC route table, so neither can drift from the other.
#pragma once

#include "control/osc/OscRoutes.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace backline::test {

/// Every disagreement between an OSC.md-style page and a route table, in words (none: they agree).
///
/// The rule. An address is the first word of a code span that starts with '/' (`/state i:first
/// i:count` names /state); "…" at the end of a table's address means a family (/track/… is every
/// address starting with /track/), and placeholders (<t>) are compared as written.
/// - Requests: a table whose header's first cell is "address" lists, in its first column, what
///   the server answers. Each address there must reach a route, and each route must be listed:
///   an exact route by its address, a prefix route by at least one address under it.
/// - Sent: every address a route replies with (its `replies`) and every one the server sends
///   unasked (`sent`: feedback, meters, notices, /error) must be named somewhere on the page;
///   and every address named in any other cell of any table must be a route's, a reply or a
///   sent one. (Prose outside the tables is not checked that way: it also names file paths and
///   other consoles' addresses.)
std::vector<std::string> routeDocProblems(std::string_view markdown, std::span<const control::OscRoute> routes,
    std::span<const control::OscSentAddress> sent);

} // namespace backline::test
