// SPDX-License-Identifier: GPL-3.0-or-later
// The mixer built from /state: one strip per track and bus, the master with loudness, and the
// sends page (one aux at a time, a send fader per track).

import { Fader } from "./Fader.js";
import { dbToTravel, formatDb, formatLevel, formatPan, linearTravel, meterHeight, travelToDb } from "./faderLaw.js";

function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className)
        e.className = className;
    if (text !== undefined)
        e.textContent = text;
    return e;
}

/// A stereo peak/RMS meter; set(levels) takes [peakL, peakR, rmsL, rmsR] in dBFS.
class Meter {
    constructor(label) {
        this.element = element("div", "meter");
        this.element.setAttribute("role", "meter");
        this.element.setAttribute("aria-label", `${label} level`);
        this.element.setAttribute("aria-valuemin", "-60");
        this.element.setAttribute("aria-valuemax", "6");
        this.sides_ = [0, 1].map(() => {
            const side = element("div", "meter-side");
            side.append(element("div", "meter-rms"), element("div", "meter-peak"));
            this.element.append(side);
            return side;
        });
        this.set([-200, -200, -200, -200]);
    }

    set(levels) {
        for (let i = 0; i < 2; ++i) {
            this.sides_[i].style.setProperty("--rms", meterHeight(levels[2 + i]).toFixed(3));
            this.sides_[i].style.setProperty("--peak", meterHeight(levels[i]).toFixed(3));
            this.sides_[i].classList.toggle("clip", levels[i] > -0.5);
        }
        const peak = Math.max(levels[0], levels[1]);
        this.element.setAttribute("aria-valuenow", Math.max(-60, peak).toFixed(1));
        this.element.dataset.peak = peak.toFixed(1);
    }
}

/// The mixer's strips and the sends page, bound to a ParamBoard; sets go through send(address, value).
export class Mixer {
    constructor(board, send) {
        this.board_ = board;
        this.send_ = send;
        this.meters_ = new Map();
        this.faders_ = [];
        this.loudness_ = null;
    }

    /// Builds the strips into mixRoot and the sends page into sendsRoot, replacing what was there.
    build(mixRoot, sendsRoot) {
        this.meters_.clear();
        this.faders_ = [];
        const strips = [];
        for (const name of this.board_.names("track"))
            strips.push(this.strip_("track", name));
        for (const name of this.board_.names("bus"))
            strips.push(this.strip_("bus", name));
        if (this.board_.params.has("/master/gain"))
            strips.push(this.masterStrip_());
        mixRoot.replaceChildren(...strips);
        this.buildSends_(sendsRoot);
    }

    /// One meter reading (/meters/<name> f f f f), name as /meters/names gives it.
    meter(name, levels) {
        this.meters_.get(name)?.set(levels);
    }

    /// Empties every meter and the loudness (offline: a frozen reading would pass for a live one).
    clearMeters() {
        for (const meter of this.meters_.values())
            meter.set([-200, -200, -200, -200]);
        this.loudness([-200, -200, -200, -200, -200]);
    }

    /// The master's loudness: momentary, short-term, integrated, range, true peak.
    loudness(values) {
        if (!this.loudness_)
            return;
        const [momentary, shortTerm, integrated, , truePeak] = values;
        this.loudness_.M.textContent = formatLevel(momentary);
        this.loudness_.S.textContent = formatLevel(shortTerm);
        this.loudness_.I.textContent = formatLevel(integrated);
        this.loudness_.TP.textContent = formatLevel(truePeak);
    }

    gainFader_(address, label, className = "") {
        const param = this.board_.params.get(address);
        const fader = new Fader({
            label,
            className,
            toTravel: dbToTravel,
            fromTravel: (t) => Math.round(travelToDb(t) * 10) / 10,
            format: (v) => `${formatDb(v)} dB`,
            defaultValue: param?.defaultValue ?? 0,
            onInput: (v) => this.send_(address, v),
        });
        fader.element.dataset.address = address;
        this.board_.bind(address, (v) => fader.setValue(v));
        this.faders_.push(fader);
        return fader;
    }

    panFader_(address, label) {
        const param = this.board_.params.get(address);
        const fader = new Fader({
            label,
            className: "horizontal pan",
            toTravel: (v) => linearTravel(v, param.min, param.max),
            fromTravel: (t) => Math.round((param.min + t * (param.max - param.min)) * 100) / 100,
            format: formatPan,
            defaultValue: param.defaultValue,
            onInput: (v) => this.send_(address, v),
        });
        fader.element.dataset.address = address;
        this.board_.bind(address, (v) => fader.setValue(v));
        return fader;
    }

    toggle_(address, text, label, className) {
        const button = element("button", `toggle ${className}`, text);
        button.type = "button";
        button.setAttribute("aria-label", label);
        button.dataset.address = address;
        button.addEventListener("click", () => {
            const on = button.getAttribute("aria-pressed") === "true";
            this.send_(address, on ? 0 : 1);
        });
        this.board_.bind(address, (v) => button.setAttribute("aria-pressed", String(v >= 0.5)));
        return button;
    }

    strip_(kind, name) {
        const prefix = `/${kind}/${name}`;
        const strip = element("section", `strip ${kind}`);
        strip.dataset.strip = prefix;
        strip.setAttribute("aria-label", `${kind} ${name}`);
        const title = element("h2", "strip-name", name);
        const meter = new Meter(name);
        this.meters_.set(`${kind}/${name}`, meter);
        const fader = this.gainFader_(`${prefix}/gain`, `${name} fader`);
        const buttons = element("div", "strip-buttons");
        if (this.board_.params.has(`${prefix}/mute`))
            buttons.append(this.toggle_(`${prefix}/mute`, "M", `mute ${name}`, "mute"));
        if (this.board_.params.has(`${prefix}/solo`))
            buttons.append(this.toggle_(`${prefix}/solo`, "S", `solo ${name}`, "solo"));
        const body = element("div", "strip-body");
        body.append(meter.element, fader.element);
        strip.append(title, body, fader.readout);
        if (this.board_.params.has(`${prefix}/pan`))
            strip.append(this.panFader_(`${prefix}/pan`, `${name} pan`).element);
        strip.append(buttons);
        return strip;
    }

    masterStrip_() {
        const strip = element("section", "strip master");
        strip.dataset.strip = "/master";
        strip.setAttribute("aria-label", "master");
        const meter = new Meter("master");
        this.meters_.set("master", meter);
        const fader = this.gainFader_("/master/gain", "master fader");
        const body = element("div", "strip-body");
        body.append(meter.element, fader.element);
        const loudness = element("dl", "loudness");
        loudness.setAttribute("aria-label", "master loudness (LUFS, true peak dBTP)");
        this.loudness_ = {};
        for (const [key, title] of [["M", "momentary"], ["S", "short-term"], ["I", "integrated"], ["TP", "true peak"]]) {
            const term = element("dt", "", key);
            term.title = title;
            const value = element("dd", "", "—");
            value.dataset.loudness = title;
            this.loudness_[key] = value;
            loudness.append(term, value);
        }
        strip.append(element("h2", "strip-name", "master"), body, fader.readout, loudness);
        return strip;
    }

    buildSends_(root) {
        const auxes = this.board_.auxes();
        const tracks = this.board_.names("track");
        if (auxes.length === 0) {
            root.replaceChildren(element("p", "empty", "This session has no aux buses."));
            return;
        }
        const picker = element("div", "aux-picker");
        picker.setAttribute("role", "group");
        picker.setAttribute("aria-label", "aux bus");
        const pages = [];
        for (const aux of auxes) {
            const pick = element("button", "aux-pick", aux);
            pick.type = "button";
            picker.append(pick);
            const page = element("div", "send-page");
            page.dataset.aux = aux;
            for (const track of tracks) {
                const address = `/track/${track}/send/${aux}/level`;
                if (!this.board_.params.has(address))
                    continue;
                const row = element("div", "send-row");
                const fader = this.gainFader_(address, `${track} send to ${aux}`, "horizontal");
                row.append(element("span", "send-name", track), fader.element, fader.readout);
                const pre = `/track/${track}/send/${aux}/pre`;
                if (this.board_.params.has(pre))
                    row.append(this.toggle_(pre, "pre", `${track} send to ${aux} before the fader`, "pre"));
                page.append(row);
            }
            pages.push([pick, page]);
        }
        const show = (chosen) => {
            for (const [pick, page] of pages) {
                pick.setAttribute("aria-pressed", String(page === chosen));
                page.hidden = page !== chosen;
            }
        };
        for (const [pick, page] of pages)
            pick.addEventListener("click", () => show(page));
        show(pages[0][1]);
        root.replaceChildren(picker, ...pages.map((p) => p[1]));
    }
}
