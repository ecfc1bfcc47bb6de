// SPDX-License-Identifier: GPL-3.0-or-later
// The Pads tab: a PadPanel per instrument track (the tracks /instruments names), the strike
// velocity, and panic. It makes sure no note outlives the finger that holds it: a page hidden
// releases every note, and a link that drops releases them here and owes their offs, sent as
// soon as backlined answers again. Page's main thread.

import { PadPanel } from "./PadPanel.js";
import { defaultStart, highestStart, lowestStart, velocityAt } from "./keyboard.js";

const $ = (id) => document.getElementById(id);
const velocityKey = "backline.pads.velocity";
const startKey = (track) => `backline.pads.start.${track}`;

/// The instruments' pads, bound to index.html's Pads tab; OSC goes out through send(address, ...args).
export class Pads {
    constructor(send) {
        this.send_ = send;
        this.panels_ = [];
        this.names_ = null;
        this.owed_ = new Map(); // track → notes whose off could not be sent, or "all"
        this.live_ = false;

        $("velocity").value = remembered(velocityKey) ?? "position";
        if (!$("velocity").value)
            $("velocity").value = "position"; // a value from an older page that is gone now
        $("velocity").addEventListener("change", () => remember(velocityKey, $("velocity").value));
        $("panic").addEventListener("click", () => this.panic_());
        // A page out of sight gets no pointerup: its held notes are released now, while the
        // link can still carry their offs.
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "hidden")
                this.releaseAll();
        });
        window.addEventListener("pagehide", () => this.releaseAll());
        window.addEventListener("blur", () => this.releaseAll());
    }

    /// The instrument tracks backlined plays (its /instruments answer): the panels are built
    /// when they changed, and the offs owed to those tracks are sent. Returns how many there are.
    instruments(names) {
        if (!this.names_ || names.join("\n") !== this.names_.join("\n")) {
            this.releaseAll();
            this.names_ = [...names];
            this.panels_ = names.map((track) => this.panel_(track));
            $("pad-panels").replaceChildren(...this.panels_.map((p) => p.element));
            this.setLive(this.live_);
        }
        const owed = this.owed_;
        this.owed_ = new Map();
        for (const [track, notes] of owed) {
            if (!names.includes(track))
                continue; // gone with a new session: nothing of it sounds
            if (notes === "all")
                this.allOff_(track);
            else
                for (const note of notes)
                    this.note_(track, note, 0);
        }
        return names.length;
    }

    /// Releases every note held on every panel, sending the offs (owed when they cannot go).
    releaseAll() {
        for (const panel of this.panels_)
            panel.releaseAll();
    }

    /// Whether the link carries notes now; when it drops, every held note is released.
    setLive(live) {
        this.live_ = live;
        if (!live)
            this.releaseAll();
        $("panic").disabled = !live;
        for (const panel of this.panels_)
            panel.setLive(live);
    }

    panel_(track) {
        return new PadPanel(track, {
            start: savedStart(track),
            play: (note, velocity) => this.note_(track, note, velocity),
            allOff: () => this.allOff_(track),
            velocity: (fraction) => this.velocity_(fraction),
            onShift: (start) => remember(startKey(track), String(start)),
        });
    }

    note_(track, note, velocity) {
        const sent = this.send_(`/track/${track}/note`, { type: "i", value: note }, velocity);
        if (!sent && velocity === 0)
            this.owe_(track, note);
        return sent;
    }

    allOff_(track) {
        if (!this.send_(`/track/${track}/allnotesoff`))
            this.owed_.set(track, "all");
    }

    owe_(track, note) {
        const owed = this.owed_.get(track);
        if (owed === "all")
            return;
        if (owed)
            owed.add(note);
        else
            this.owed_.set(track, new Set([note]));
    }

    velocity_(fraction) {
        const chosen = $("velocity").value;
        return chosen === "position" ? velocityAt(fraction) : Number(chosen);
    }

    panic_() {
        if (!this.send_("/panic"))
            return;
        for (const panel of this.panels_)
            panel.forget();
    }
}

/// The octave the player last left track's pads on (in this browser), else the default.
function savedStart(track) {
    const saved = remembered(startKey(track));
    const start = saved === null ? NaN : Number(saved);
    const valid = Number.isInteger(start) && start % 12 === 0 && start >= lowestStart && start <= highestStart;
    return valid ? start : defaultStart;
}

function remembered(key) {
    try {
        return localStorage.getItem(key);
    } catch {
        return null; // storage refused (a private window): the defaults it is
    }
}

function remember(key, value) {
    try {
        localStorage.setItem(key, value);
    } catch {
        // Not remembered; the page works on.
    }
}
