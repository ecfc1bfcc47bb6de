// SPDX-License-Identifier: GPL-3.0-or-later
// A TCP relay between the browser and backlined's web port that the test can cut, as a Wi-Fi
// that drops would: every connection through it ends at once, without a WebSocket close, and
// new ones are turned away until it is let up again.

import net from "node:net";

/// Relays 127.0.0.1:<port> to backlined's web port; down() cuts, up() lets connections through again.
export class DropProxy {
    /// Listens on a free port and relays to targetPort.
    static async start(targetPort) {
        const proxy = new DropProxy();
        proxy.targetPort_ = targetPort;
        proxy.down_ = false;
        proxy.sockets_ = new Set();
        proxy.server_ = net.createServer((client) => proxy.accept_(client));
        await new Promise((resolve, reject) => {
            proxy.server_.once("error", reject);
            proxy.server_.listen(0, "127.0.0.1", resolve);
        });
        proxy.url = `http://127.0.0.1:${proxy.server_.address().port}/`;
        return proxy;
    }

    /// Ends every connection through the relay now and turns new ones away.
    down() {
        this.down_ = true;
        for (const socket of this.sockets_)
            socket.destroy();
        this.sockets_.clear();
    }

    /// Lets new connections through again.
    up() {
        this.down_ = false;
    }

    /// Stops relaying.
    async close() {
        this.down();
        await new Promise((resolve) => this.server_.close(resolve));
    }

    accept_(client) {
        if (this.down_) {
            client.destroy();
            return;
        }
        const upstream = net.connect(this.targetPort_, "127.0.0.1");
        for (const [from, to] of [[client, upstream], [upstream, client]]) {
            this.sockets_.add(from);
            from.pipe(to);
            from.on("error", () => to.destroy());
            from.on("close", () => {
                this.sockets_.delete(from);
                to.destroy();
            });
        }
    }
}
