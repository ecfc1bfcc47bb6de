// SPDX-License-Identifier: GPL-3.0-or-later
// The built-in PIN form (web thread): big enough for a finger, no script, no outside file.
#include "control/web/PinForm.h"

#include <fmt/format.h>

namespace backline::control {

namespace {

std::string escaped(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '&': out += "&amp;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

} // namespace

std::string pinForm(std::string_view note)
{
    return fmt::format(R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>backline: PIN</title>
<style>
body {{ font-family: system-ui, sans-serif; background: #111; color: #eee; display: flex;
  min-height: 100vh; margin: 0; align-items: center; justify-content: center; }}
form {{ display: flex; flex-direction: column; gap: 1rem; width: min(22rem, 90vw); }}
input, button {{ font-size: 1.6rem; padding: 0.8rem; border-radius: 0.5rem; border: 1px solid #555; }}
input {{ background: #222; color: #eee; text-align: center; letter-spacing: 0.3em; }}
button {{ background: #2a6; color: #fff; border: none; }}
p {{ margin: 0; min-height: 1.5em; color: #f86; text-align: center; }}
</style></head>
<body><form method="post" action="/auth">
<h1>backline</h1>
<p id="note">{}</p>
<input name="pin" type="password" autocomplete="current-password" inputmode="numeric" placeholder="PIN" autofocus required>
<button type="submit">Enter</button>
</form></body></html>
)",
        escaped(note));
}

} // namespace backline::control
