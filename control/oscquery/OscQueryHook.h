// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "control/oscquery/OscQueryTree.h"
#include "control/web/HttpTypes.h"
#include "port/ParamPort.h"

#include <functional>
#include <optional>

namespace backline::control::oscquery {

/// The web server's OSCQuery answers (its HttpHook): a GET of an address of backline's OSC
/// space, or any GET with `?HOST_INFO` or an attribute, is answered with JSON from the
/// parameters as they are at that moment; everything else goes on to the page's files. The
/// root `/` is both the page and the namespace's root: a browser (whose Accept names
/// text/html) gets the page, an OSCQuery client (which asks for JSON, or for anything) the
/// namespace. [web]
class OscQueryHook {
public:
    /// host is asked at each HOST_INFO (the ports and the session's name can change by reload).
    OscQueryHook(const port::ParamPort& params, std::function<HostInfo()> host);

    std::optional<HttpAnswer> operator()(const HttpAsk& ask) const;

private:
    const port::ParamPort& params_;
    std::function<HostInfo()> host_;
};

} // namespace backline::control::oscquery
