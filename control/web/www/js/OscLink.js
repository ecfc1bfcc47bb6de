// SPDX-License-Identifier: GPL-3.0-or-later
// The page's one connection to backlined: OSC packets over the WebSocket at /osc (one binary
// message, one packet), reconnecting by itself with backoff. Runs on the page's main thread.

const osc = globalThis.osc; // osc.js's browser build, loaded by index.html before the modules

/// Connection states, in the order a page usually sees them.
export const LinkState = Object.freeze({
    Connecting: "connecting",
    Live: "live",
    Offline: "offline",
    Refused: "refused",
});

const backoffMs = [500, 1000, 2000, 4000, 8000];

/// A WebSocket to backlined that delivers each OSC message (bundles unpacked) to onMessage.
export class OscLink {
    /// url: the socket's address; onMessage(address, args); onState(state, detail).
    constructor(url, { onMessage, onState }) {
        this.url_ = url;
        this.onMessage_ = onMessage;
        this.onState_ = onState;
        this.socket_ = null;
        this.failures_ = 0;
        this.retryTimer_ = 0;
        this.state_ = LinkState.Connecting;
    }

    /// Opens the socket (and keeps reopening it whenever it closes).
    open() {
        clearTimeout(this.retryTimer_);
        this.setState_(LinkState.Connecting);
        let socket;
        try {
            socket = new WebSocket(this.url_);
        } catch (error) {
            this.retry_(false);
            return;
        }
        socket.binaryType = "arraybuffer";
        let opened = false;
        socket.onopen = () => {
            opened = true;
            this.failures_ = 0;
            this.setState_(LinkState.Live);
        };
        socket.onmessage = (event) => {
            if (event.data instanceof ArrayBuffer)
                this.receive_(new Uint8Array(event.data));
        };
        socket.onclose = () => {
            if (this.socket_ !== socket)
                return;
            this.socket_ = null;
            this.retry_(opened);
        };
        this.socket_ = socket;
    }

    /// Whether packets can be sent now.
    get live() {
        return this.state_ === LinkState.Live;
    }

    /// Sends one OSC message; args are numbers (sent as float32), strings, or {type, value}.
    send(address, ...args) {
        if (!this.live || !this.socket_)
            return false;
        const typed = args.map((a) => (typeof a === "object" ? a : typeof a === "string" ? { type: "s", value: a } : { type: "f", value: a }));
        this.socket_.send(osc.writePacket({ address, args: typed }, { metadata: true }));
        return true;
    }

    retry_(wasOpen) {
        // A socket refused before it opened may mean the server wants a PIN the page lacks:
        // ask the page's own address, whose answer tells "not authorised" from "not there".
        const delay = backoffMs[Math.min(this.failures_, backoffMs.length - 1)];
        this.failures_ += 1;
        this.setState_(LinkState.Offline, { retryMs: delay });
        if (!wasOpen)
            this.checkRefused_();
        this.retryTimer_ = setTimeout(() => this.open(), delay);
    }

    async checkRefused_() {
        try {
            const answer = await fetch(location.href, { method: "HEAD", cache: "no-store" });
            if ((answer.status === 401 || answer.status === 403) && this.state_ === LinkState.Offline)
                this.setState_(LinkState.Refused);
        } catch {
            // The server is away: offline it stays.
        }
    }

    receive_(bytes) {
        let packet;
        try {
            packet = osc.readPacket(bytes, { metadata: false, unpackSingleArgs: false });
        } catch (error) {
            console.warn("backline: unreadable OSC packet", error);
            return;
        }
        this.deliver_(packet);
    }

    deliver_(packet) {
        if (packet.packets) {
            for (const inner of packet.packets)
                this.deliver_(inner);
            return;
        }
        this.onMessage_(packet.address, packet.args ?? []);
    }

    setState_(state, detail = {}) {
        this.state_ = state;
        this.onState_(state, detail);
    }
}
