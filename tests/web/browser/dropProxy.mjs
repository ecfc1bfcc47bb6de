// SPDX-License-Identifier: GPL-3.0-or-later
// A TCP relay between the browser and backlined's web port that the test can cut, as a network
// that drops would: every connection through it ends at the browser's side at once, without a
// WebSocket close, and new ones are turned away until it is let up again. backlined's side of
// a cut connection is closed too, or kept open as a Wi-Fi that dies without a word leaves it.

import net from "node:net";

/// Relays 127.0.0.1:<port> to backlined's web port; down() cuts, up() lets connections through again.
export class DropProxy {
    /// Listens on a free port and relays to targetPort.
    static async start(targetPort) {
        const proxy = new DropProxy();
        proxy.targetPort_ = targetPort;
        proxy.down_ = false;
        proxy.pairs_ = new Set();
        proxy.orphans_ = [];
        proxy.server_ = net.createServer((client) => proxy.accept_(client));
        await new Promise((resolve, reject) => {
            proxy.server_.once("error", reject);
            proxy.server_.listen(0, "127.0.0.1", resolve);
        });
        proxy.url = `http://127.0.0.1:${proxy.server_.address().port}/`;
        return proxy;
    }

    /// Ends every connection through the relay at the browser's side now and turns new ones
    /// away. serverSees: backlined's side closes too; false leaves it open, unread and unwritten.
    down({ serverSees = true } = {}) {
        this.down_ = true;
        for (const pair of this.pairs_) {
            if (!serverSees) {
                pair.orphaned = true;
                pair.upstream.unpipe(pair.client);
                pair.client.unpipe(pair.upstream);
                this.orphans_.push(pair.upstream);
            }
            pair.client.destroy();
        }
        this.pairs_.clear();
    }

    /// Lets new connections through again.
    up() {
        this.down_ = false;
    }

    /// Stops relaying, closing whatever is still open.
    async close() {
        this.down();
        for (const upstream of this.orphans_.splice(0))
            upstream.destroy();
        await new Promise((resolve) => this.server_.close(resolve));
    }

    accept_(client) {
        if (this.down_) {
            client.destroy();
            return;
        }
        const pair = { client, upstream: net.connect(this.targetPort_, "127.0.0.1"), orphaned: false };
        this.pairs_.add(pair);
        const { upstream } = pair;
        client.pipe(upstream);
        upstream.pipe(client);
        const end = () => {
            this.pairs_.delete(pair);
            if (pair.orphaned)
                return; // backlined's side stays as it is
            client.destroy();
            upstream.destroy();
        };
        for (const socket of [client, upstream]) {
            socket.on("error", end);
            socket.on("close", end);
        }
    }
}
