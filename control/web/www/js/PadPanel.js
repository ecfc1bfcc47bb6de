// SPDX-License-Identifier: GPL-3.0-or-later
// One instrument's pads: two octaves laid out like a keyboard, played by any number of fingers
// at once (each pointer its own note), with octave shift and "all notes off". A finger that
// slides onto another pad plays that one instead (a glissando); whatever ends a pointer (lifted,
// cancelled, its capture lost) releases its note. Page's main thread.

import { noteName, padNotes, shiftStart } from "./keyboard.js";

/// The pads of one instrument track; notes go out through play(note, velocity).
export class PadPanel {
    /// track: the instrument's name; start: the C its first pad plays; play(note, velocity)
    /// sends a note (velocity 0 releases it) and returns whether it went; allOff() sends the
    /// track's all-notes-off; velocity(fraction) is a strike's velocity from how far down its
    /// pad it lands; onShift(start) hears an octave shift.
    constructor(track, { start, play, allOff, velocity, onShift }) {
        this.track = track;
        this.start_ = start;
        this.play_ = play;
        this.allOff_ = allOff;
        this.velocity_ = velocity;
        this.onShift_ = onShift;
        this.holders_ = new Map(); // a pointer (or a key of the keyboard) → the note it holds
        this.counts_ = new Map(); // a sounding note → how many holders hold it

        this.element = element("section", "pad-panel");
        this.element.dataset.track = track;
        this.element.setAttribute("aria-label", `${track} pads`);
        const head = element("div", "pad-head");
        const shift = element("div", "octave-shift");
        shift.setAttribute("role", "group");
        shift.setAttribute("aria-label", `${track} octave`);
        this.down_ = button("\u2212", `${track} octave down`, () => this.shift_(-1));
        this.up_ = button("+", `${track} octave up`, () => this.shift_(1));
        this.range_ = element("span", "readout octave-range");
        shift.append(this.down_, this.range_, this.up_);
        this.allOffButton_ = button("all notes off", `${track} all notes off`, () => this.allOff());
        this.allOffButton_.classList.add("all-off");
        head.append(element("h2", "pad-name", track), shift, this.allOffButton_);

        // The octaves: the lower one left of the upper one where they fit side by side, under
        // it where they do not (the stylesheet wraps them in reverse).
        this.keys_ = element("div", "keys");
        this.pads_ = padNotes(start).map((p) => {
            const pad = element("button", `pad ${p.black ? "black" : "white"}`);
            pad.type = "button";
            pad.style.gridColumn = `${p.column} / span 2`;
            pad.style.gridRow = String(p.row);
            pad.append(element("span", "pad-label"));
            return { pad, octave: p.octave };
        });
        const octaves = [0, 1].map(() => element("div", "octave"));
        for (const { pad, octave } of this.pads_)
            octaves[octave].append(pad);
        this.keys_.append(...octaves);
        this.element.append(head, this.keys_);
        this.label_();

        const keys = this.keys_;
        keys.addEventListener("pointerdown", (e) => this.pointerDown_(e));
        keys.addEventListener("pointermove", (e) => this.pointerMove_(e));
        for (const type of ["pointerup", "pointercancel", "lostpointercapture"])
            keys.addEventListener(type, (e) => this.release_(e.pointerId));
        // A long press must not open a menu or start a selection under the finger.
        keys.addEventListener("contextmenu", (e) => e.preventDefault());
        keys.addEventListener("keydown", (e) => this.key_(e, true));
        keys.addEventListener("keyup", (e) => this.key_(e, false));
        keys.addEventListener("focusout", (e) => this.release_(`key:${e.target.dataset?.note}`));
    }

    /// The notes sounding now (each once, however many fingers hold it).
    get sounding() {
        return [...this.counts_.keys()];
    }

    /// Releases every note this panel holds, sending their offs, as if every finger were lifted.
    releaseAll() {
        for (const key of [...this.holders_.keys()])
            this.release_(key);
    }

    /// Sends the track's all-notes-off and lets go of what the fingers hold without an off each.
    allOff() {
        this.allOff_();
        this.forget();
    }

    /// The instrument was told to stop (all notes off, a panic): the notes held are let go
    /// here too, sending nothing; fingers still down play again only when they strike again.
    forget() {
        const notes = this.sounding;
        this.holders_.clear();
        this.counts_.clear();
        for (const note of notes)
            this.show_(note);
    }

    /// Enables or disables the buttons that need the link (a pad simply does nothing offline).
    setLive(live) {
        this.allOffButton_.disabled = !live;
    }

    pointerDown_(event) {
        const pad = event.target.closest?.(".pad");
        if (!pad || (event.pointerType === "mouse" && event.button !== 0))
            return;
        event.preventDefault();
        // Captured by the whole keyboard, not the pad: a slide to the next pad still reaches us.
        this.keys_.setPointerCapture(event.pointerId);
        const box = pad.getBoundingClientRect();
        this.hold_(event.pointerId, Number(pad.dataset.note), this.velocity_((event.clientY - box.top) / box.height));
    }

    pointerMove_(event) {
        const held = this.holders_.get(event.pointerId);
        if (held === undefined)
            return;
        // Between pads, or off the keyboard, the note goes on: a finger that slips a little
        // does not cut it.
        const pad = document.elementFromPoint(event.clientX, event.clientY)?.closest(".pad");
        if (!pad || !this.keys_.contains(pad) || Number(pad.dataset.note) === held.note)
            return;
        this.hold_(event.pointerId, Number(pad.dataset.note), held.velocity);
    }

    key_(event, down) {
        if (event.key !== " " && event.key !== "Enter")
            return;
        const note = event.target.dataset?.note;
        if (note === undefined)
            return;
        event.preventDefault();
        if (!down)
            this.release_(`key:${note}`);
        else if (!event.repeat)
            this.hold_(`key:${note}`, Number(note), this.velocity_(1));
    }

    hold_(holder, note, velocity) {
        this.release_(holder);
        const count = this.counts_.get(note) ?? 0;
        // Offline, a strike sounds nothing, and the pad stays dark to say so.
        if (count === 0 && !this.play_(note, velocity))
            return;
        this.holders_.set(holder, { note, velocity });
        this.counts_.set(note, count + 1);
        this.show_(note);
    }

    release_(holder) {
        const held = this.holders_.get(holder);
        if (held === undefined)
            return;
        this.holders_.delete(holder);
        const count = (this.counts_.get(held.note) ?? 1) - 1;
        if (count > 0) {
            this.counts_.set(held.note, count);
            return;
        }
        this.counts_.delete(held.note);
        this.play_(held.note, 0);
        this.show_(held.note);
    }

    shift_(by) {
        const start = shiftStart(this.start_, by);
        if (start === this.start_)
            return;
        // Notes held go on under their fingers and are released as they were struck.
        this.start_ = start;
        this.label_();
        this.onShift_(start);
    }

    label_() {
        const notes = padNotes(this.start_);
        this.pads_.forEach(({ pad }, i) => {
            const { note, name } = notes[i];
            pad.dataset.note = String(note);
            pad.setAttribute("aria-label", name);
            pad.firstChild.textContent = name.startsWith("C") && !name.startsWith("C#") ? name : "";
            pad.setAttribute("aria-pressed", String(this.counts_.has(note)));
        });
        this.range_.textContent = `${noteName(notes[0].note)}\u2013${noteName(notes[notes.length - 1].note)}`;
        this.down_.disabled = shiftStart(this.start_, -1) === this.start_;
        this.up_.disabled = shiftStart(this.start_, 1) === this.start_;
    }

    show_(note) {
        const pad = this.keys_.querySelector(`.pad[data-note="${note}"]`);
        pad?.setAttribute("aria-pressed", String(this.counts_.has(note)));
    }
}

function element(tag, className, text) {
    const e = document.createElement(tag);
    if (className)
        e.className = className;
    if (text !== undefined)
        e.textContent = text;
    return e;
}

function button(text, label, onClick) {
    const b = element("button", "", text);
    b.type = "button";
    b.setAttribute("aria-label", label);
    b.addEventListener("click", onClick);
    return b;
}
