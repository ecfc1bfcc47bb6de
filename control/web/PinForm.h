// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <string>
#include <string_view>

namespace backline::control {

/// The page the web server shows a browser without the PIN cookie: one field, posted to
/// `/auth` (field `pin`), with note above it ("Wrong PIN", a lock-out). Built into the server,
/// not the page's files, so no file of the page is served before the PIN. [web]
std::string pinForm(std::string_view note);

} // namespace backline::control
