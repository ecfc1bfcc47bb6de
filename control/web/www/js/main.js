// SPDX-License-Identifier: GPL-3.0-or-later
// The page's entry point: connects to backlined, builds the surface from /state, keeps it in
// sync through feedback and meter streams, and shows the connection as it is.

import { LinkState, OscLink } from "./OscLink.js";
import { Mixer } from "./Mixer.js";
import { Pads } from "./Pads.js";
import { ParamBoard, paramFromState } from "./ParamBoard.js";
import { ShowBar } from "./ShowBar.js";
import { formatDuration } from "./faderLaw.js";

const $ = (id) => document.getElementById(id);

const subscribeSeconds = 30; // renewed every renewMs; a lost page stops costing after this
const renewMs = 4000;
const meterHz = 20;

/// The whole surface: one link, one parameter board, the mixer and the show bar.
class Surface {
    constructor() {
        const url = new URL("osc", location.href);
        url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
        this.link_ = new OscLink(url.href, {
            onMessage: (address, args) => this.receive_(address, args),
            onState: (state, detail) => this.linkState_(state, detail),
        });
        const send = (address, ...args) => this.link_.send(address, ...args);
        this.board_ = new ParamBoard();
        this.mixer_ = new Mixer(this.board_, send);
        this.show_ = new ShowBar(send);
        this.pads_ = new Pads(send);
        this.loading_ = [];
        this.built_ = false;
        this.offlineSince_ = 0;
        this.feedbackSeq_ = 0;
        this.pendingMeters_ = new Map();
        this.timers_ = [];

        for (const tab of document.querySelectorAll("[data-tab]"))
            tab.addEventListener("click", () => this.showTab_(tab.dataset.tab, true));
        // A bookmark of …/#pads opens on the pads (once the session turns out to have some).
        this.wantedTab_ = location.hash.slice(1);
        this.showTab_(this.wantedTab_ === "sends" ? "sends" : "mix");
        this.link_.open();
        requestAnimationFrame(() => this.drawMeters_());
    }

    linkState_(state, detail) {
        document.body.dataset.link = state;
        const text = {
            [LinkState.Connecting]: "connecting…",
            [LinkState.Live]: "live",
            [LinkState.Offline]: `offline — retrying in ${Math.round((detail.retryMs ?? 0) / 1000) || 1} s`,
            [LinkState.Refused]: "not authorised — open the page again to enter the PIN",
        }[state];
        $("link").textContent = text;
        for (const timer of this.timers_)
            clearInterval(timer);
        this.timers_ = [];
        this.pads_.setLive(state === LinkState.Live);
        if (state === LinkState.Offline || state === LinkState.Refused) {
            this.pendingMeters_.clear();
            this.mixer_.clearMeters();
            if (!this.offlineSince_)
                this.offlineSince_ = Date.now();
            $("offline-note").textContent = `Offline since ${new Date(this.offlineSince_).toLocaleTimeString()}: the controls show the last values known.`;
            $("offline-note").hidden = false;
        }
        if (state === LinkState.Live)
            this.connected_();
    }

    connected_() {
        if (this.offlineSince_) {
            const away = (Date.now() - this.offlineSince_) / 1000;
            this.offlineSince_ = 0;
            $("offline-note").textContent = `Back online after ${formatDuration(away)} offline; every value is fresh from backlined.`;
            clearTimeout(this.noteTimer_);
            this.noteTimer_ = setTimeout(() => ($("offline-note").hidden = true), 6000);
        }
        this.feedbackSeq_ = 0;
        this.loading_ = [];
        // The session may have changed while we were away: /state first, then everything else.
        // The answer to /instruments is also when the pads send the offs they owe since the
        // link dropped: to the instruments this session still has.
        this.link_.send("/state");
        this.link_.send("/instruments");
        this.timers_.push(
            setInterval(() => this.renew_(), renewMs),
            setInterval(() => this.show_.tick(), 1000)
        );
    }

    renew_() {
        this.link_.send("/subscribe", subscribeSeconds);
        this.link_.send("/meters/subscribe", meterHz, "levels", subscribeSeconds);
    }

    stateArrived_() {
        if (!this.built_ || !this.board_.sameShape(this.loading_)) {
            this.board_.reset(this.loading_);
            this.mixer_.build($("mix"), $("sends"));
            this.built_ = true;
        } else {
            for (const p of this.loading_)
                this.board_.apply(p.address, p.value);
        }
        document.body.dataset.built = "true";
        this.renew_();
        this.show_.request();
        this.link_.send("/status");
    }

    receive_(address, args) {
        if (address.startsWith("/meters/")) {
            this.meterMessage_(address, args);
            return;
        }
        switch (address) {
        case "/state/param":
            this.loading_.push(paramFromState(args));
            return;
        case "/state/end": {
            const [total, first, sent] = args;
            if (first + sent < total)
                this.link_.send("/state", { type: "i", value: first + sent }, { type: "i", value: total - first - sent });
            else
                this.stateArrived_();
            return;
        }
        case "/feedback/seq":
            // A gap means a packet was lost on the way: the snapshot puts everything right.
            if (this.feedbackSeq_ && args[0] !== this.feedbackSeq_ + 1)
                this.link_.send("/snapshot");
            this.feedbackSeq_ = args[0];
            return;
        case "/instruments":
            this.instruments_(args);
            return;
        case "/status/session":
            $("session").textContent = args[0];
            document.title = `${args[0]} — backline`;
            return;
        case "/error":
            if (!this.show_.handleError(args[0]))
                this.toast_(`${args[0]}: ${args[1]}`);
            return;
        default:
            break;
        }
        if (this.show_.handle(address, args))
            return;
        if (args.length === 1 && typeof args[0] === "number")
            this.board_.apply(address, args[0]);
    }

    meterMessage_(address, args) {
        if (address === "/meters/loudness")
            this.pendingMeters_.set("#loudness", args);
        else if (args.length === 4)
            this.pendingMeters_.set(address.slice("/meters/".length), args);
    }

    drawMeters_() {
        for (const [name, levels] of this.pendingMeters_) {
            if (name === "#loudness")
                this.mixer_.loudness(levels);
            else
                this.mixer_.meter(name, levels);
        }
        this.pendingMeters_.clear();
        requestAnimationFrame(() => this.drawMeters_());
    }

    instruments_(names) {
        const any = this.pads_.instruments(names) > 0;
        $("pads-tab").hidden = !any;
        if (any && this.wantedTab_ === "pads")
            this.showTab_("pads");
        else if (!any && !$("pads").hidden)
            this.showTab_("mix");
        this.wantedTab_ = "";
    }

    showTab_(name, chosen = false) {
        for (const tab of document.querySelectorAll("[data-tab]")) {
            tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
            $(tab.dataset.tab).hidden = tab.dataset.tab !== name;
        }
        if (chosen)
            history.replaceState(null, "", `#${name}`);
    }

    toast_(text) {
        const toast = $("toast");
        toast.textContent = text;
        toast.hidden = false;
        clearTimeout(this.toastTimer_);
        this.toastTimer_ = setTimeout(() => (toast.hidden = true), 4000);
    }
}

window.backlineSurface = new Surface();
