// SPDX-License-Identifier: GPL-3.0-or-later
// The show controls above the mixer: transport, recorder, song and section, scenes with a
// morph time. It binds to index.html's elements and speaks OSC through send(address, ...args).

import { formatDuration } from "./faderLaw.js";

const $ = (id) => document.getElementById(id);

/// The transport, recorder, arrangement and scene controls.
export class ShowBar {
    constructor(send) {
        this.send_ = send;
        this.rolling_ = false;
        this.tempo_ = 120;
        this.recording_ = "unavailable";
        this.currentScene_ = "";

        $("play").addEventListener("click", () => this.send_("/transport/play"));
        $("stop").addEventListener("click", () => this.send_("/transport/stop"));
        $("tempo-down").addEventListener("click", () => this.send_("/transport/tempo", Math.max(20, Math.round(this.tempo_) - 1)));
        $("tempo-up").addEventListener("click", () => this.send_("/transport/tempo", Math.min(400, Math.round(this.tempo_) + 1)));
        $("record").addEventListener("click", () => this.send_(this.recording_ === "idle" ? "/record/start" : "/record/stop"));
        $("song-prev").addEventListener("click", () => this.send_("/setlist/prev"));
        $("song-next").addEventListener("click", () => this.send_("/setlist/next"));
        $("section-prev").addEventListener("click", () => this.send_("/arrangement/prev"));
        $("section-next").addEventListener("click", () => this.send_("/arrangement/next"));
    }

    /// Asks the daemon for everything this bar shows (after a (re)connection).
    request() {
        this.send_("/scene/list");
        this.send_("/scene/current");
        this.send_("/transport/position");
        this.send_("/transport/tempo");
        this.send_("/arrangement/status");
        this.send_("/record/status");
    }

    /// Handles a message meant for this bar; false when it is not one.
    handle(address, args) {
        switch (address) {
        case "/transport/position":
            this.position_(args[1], args[2], args[4], args[5]);
            return true;
        case "/transport/tempo":
            this.showTempo_(args[0]);
            return true;
        case "/status/transport":
            this.showRolling_(args[0] === "rolling");
            return true;
        case "/transport/playing":
        case "/transport/stopped":
            this.send_("/transport/position");
            return true;
        case "/scene/list":
            this.scenes_(args);
            return true;
        case "/scene/current":
        case "/status/scene":
            this.showScene_(args[0] ?? "", args[1] ?? 0);
            return true;
        case "/scene/recalled":
            this.send_("/scene/current");
            return true;
        case "/scene/stored":
        case "/scene/deleted":
        case "/scene/renamed":
            this.send_("/scene/list");
            return true;
        case "/arrangement/status":
            this.arrangement_(args);
            return true;
        case "/setlist/cued":
        case "/arrangement/jump":
        case "/arrangement/section":
            this.send_("/arrangement/status");
            return true;
        case "/record/status":
            this.recorder_(args);
            return true;
        case "/record/started":
        case "/record/stopped":
        case "/record/event":
            this.send_("/record/status");
            return true;
        case "/status/recording":
            if (args[0] === "unavailable")
                this.recorder_(["unavailable"]);
            return true;
        default:
            return false;
        }
    }

    /// An /error about one of this bar's requests; true when it was one.
    handleError(address) {
        if (address !== "/record/status")
            return false; // shown to the person (a refused /record/start says why)
        this.recorder_(["unavailable"]);
        return true;
    }

    /// Called every second: while a take runs, its clock is asked for.
    tick() {
        if (this.recording_ === "recording" || this.recording_ === "suspended")
            this.send_("/record/status");
    }

    position_(bar, beat, bpm, state) {
        $("position").textContent = `${bar}.${beat}`;
        this.showTempo_(bpm);
        this.showRolling_(state === "rolling");
    }

    showTempo_(bpm) {
        this.tempo_ = bpm;
        $("tempo").textContent = bpm.toFixed(Number.isInteger(Math.round(bpm * 10) / 10) ? 0 : 1);
    }

    showRolling_(rolling) {
        this.rolling_ = rolling;
        $("play").setAttribute("aria-pressed", String(rolling));
        $("stop").setAttribute("aria-pressed", String(!rolling));
    }

    scenes_(names) {
        const row = $("scenes");
        row.replaceChildren(
            ...names.map((name) => {
                const button = document.createElement("button");
                button.type = "button";
                button.className = "scene";
                button.textContent = name;
                button.dataset.scene = name;
                button.addEventListener("click", () => this.recall_(name));
                return button;
            })
        );
        this.showScene_(this.currentScene_, 0);
    }

    recall_(name) {
        const morph = $("morph").value;
        if (morph === "session")
            this.send_("/scene/recall", name);
        else
            this.send_("/scene/recall", name, Number(morph)); // when: the session's own
    }

    showScene_(name, dirty) {
        this.currentScene_ = name;
        for (const button of $("scenes").children) {
            const current = button.dataset.scene === name;
            button.setAttribute("aria-current", String(current));
            button.classList.toggle("dirty", current && dirty !== 0);
        }
    }

    arrangement_(args) {
        const [song, , section, barInSection, sectionBars] = args;
        $("song").textContent = song || "no song cued";
        $("section").textContent = section ? (barInSection > 0 ? `${section} ${barInSection}/${sectionBars}` : section) : "—";
    }

    recorder_(args) {
        const [state, , seconds, , , , dropped] = args;
        this.recording_ = state;
        const button = $("record");
        button.disabled = state === "unavailable";
        button.setAttribute("aria-pressed", String(state === "recording" || state === "suspended"));
        button.dataset.state = state;
        $("take-time").textContent = state === "unavailable" ? "no recorder" : formatDuration(seconds ?? 0);
        $("dropped").textContent = dropped ? `${dropped} dropped` : "";
        $("dropped").hidden = !dropped;
    }
}
