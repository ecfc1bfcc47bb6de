// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include "FakeTarget.h"
#include "HttpProbe.h"
#include "RawOscClient.h"
#include "WsClient.h"

#include "control/osc/OscServer.h"
#include "control/web/WebServer.h"

#include <gtest/gtest.h>

#include <memory>

namespace backline::test {

/// The OSC server and the web server in-process, against a FakeTarget, with real sockets on
/// loopback; the page's files from tests/data/web unless a test says otherwise.
class WebServerTest : public ::testing::Test {
protected:
    /// (Re)starts both servers on free ports with these options.
    void start(control::WebServerOptions webOptions = {}, control::OscServerOptions oscOptions = {})
    {
        web.reset();
        osc.reset();
        oscOptions.port = 0;
        oscOptions.pin = pin;
        auto o = control::OscServer::start(std::move(oscOptions), target);
        ASSERT_TRUE(o) << o.error().message;
        osc = std::move(o.value());
        webOptions.port = 0;
        webOptions.pin = pin;
        if (!webOptions.root && !builtIn)
            webOptions.root = BACKLINE_SOURCE_DIR "/tests/data/web";
        auto w = control::WebServer::start(std::move(webOptions), *osc);
        ASSERT_TRUE(w) << w.error().message;
        web = std::move(w.value());
    }
    void SetUp() override { start(); }
    void TearDown() override
    {
        web.reset();
        osc.reset();
    }

    int port() const { return web->port(); }
    /// A UDP client of the OSC server.
    std::unique_ptr<RawOscClient> udp() { return std::make_unique<RawOscClient>(RawOscClient::Kind::Udp, osc->port()); }

    FakeTarget target;
    std::shared_ptr<control::PinGate> pin = std::make_shared<control::PinGate>();
    bool builtIn = false; ///< serve the files built into the binary instead of tests/data/web
    std::unique_ptr<control::OscServer> osc;
    std::unique_ptr<control::WebServer> web;
};

} // namespace backline::test
