// SPDX-License-Identifier: GPL-3.0-or-later
// A touch fader: relative drags (a touch never makes it jump), pointer capture (a drag never
// scrolls the page), double-tap to its default, arrow keys; vertical or horizontal as laid out.

const graceMs = 350; // after a release, the daemon's echo of our own last sets may still come
const doubleTapMs = 350;

/// A slider bound to one value; the owner says how values map to travel and text.
export class Fader {
    /// options: label, toTravel(value), fromTravel(travel), format(value), defaultValue,
    /// onInput(value) (called while the user moves it), className.
    constructor(options) {
        this.options_ = options;
        this.value_ = options.defaultValue;
        this.touching_ = false;
        this.graceUntil_ = 0;
        this.pending_ = null;
        this.pendingTimer_ = 0;
        this.lastTap_ = 0;
        this.sendQueued_ = false;

        const root = document.createElement("div");
        root.className = `fader ${options.className ?? ""}`;
        root.tabIndex = 0;
        root.setAttribute("role", "slider");
        root.setAttribute("aria-label", options.label);
        root.setAttribute("aria-valuemin", "0");
        root.setAttribute("aria-valuemax", "1");
        root.innerHTML = `<div class="fader-track"><div class="fader-fill"></div><div class="fader-cap"></div></div>`;
        this.element = root;
        this.readout = document.createElement("output");
        this.readout.className = "fader-value";

        root.addEventListener("pointerdown", (e) => this.down_(e));
        root.addEventListener("pointermove", (e) => this.move_(e));
        root.addEventListener("pointerup", (e) => this.up_(e));
        root.addEventListener("pointercancel", (e) => this.up_(e));
        root.addEventListener("lostpointercapture", (e) => this.up_(e));
        root.addEventListener("keydown", (e) => this.key_(e));
        this.show_();
    }

    /// The value shown.
    get value() {
        return this.value_;
    }

    /// Whether a finger (or the mouse) holds it.
    get touching() {
        return this.touching_;
    }

    /// A value from elsewhere (the daemon's feedback): shown at once unless the user holds the
    /// fader, in which case the latest is kept and shown once they let go.
    setValue(value) {
        if (this.touching_ || performance.now() < this.graceUntil_) {
            this.pending_ = value;
            this.schedulePending_();
            return;
        }
        this.pending_ = null;
        this.value_ = value;
        this.show_();
    }

    down_(event) {
        if (event.button !== 0 && event.pointerType === "mouse")
            return;
        event.preventDefault();
        this.element.setPointerCapture(event.pointerId);
        this.element.focus({ preventScroll: true });
        const now = performance.now();
        if (now - this.lastTap_ < doubleTapMs) {
            this.lastTap_ = 0;
            this.input_(this.options_.defaultValue);
            return;
        }
        this.lastTap_ = now;
        const rect = this.element.querySelector(".fader-track").getBoundingClientRect();
        this.horizontal_ = rect.width > rect.height;
        this.span_ = Math.max(40, this.horizontal_ ? rect.width : rect.height);
        this.startPoint_ = this.horizontal_ ? event.clientX : -event.clientY;
        this.startTravel_ = this.options_.toTravel(this.value_);
        this.touching_ = true;
        this.moved_ = false;
        this.element.classList.add("touched");
    }

    move_(event) {
        if (!this.touching_ || !this.element.hasPointerCapture(event.pointerId))
            return;
        const point = this.horizontal_ ? event.clientX : -event.clientY;
        const delta = (point - this.startPoint_) / this.span_;
        if (Math.abs(point - this.startPoint_) > 4) {
            this.moved_ = true;
            this.lastTap_ = 0; // a drag is no tap
        }
        const travel = Math.min(1, Math.max(0, this.startTravel_ + delta));
        this.input_(this.options_.fromTravel(travel));
    }

    up_(event) {
        if (!this.touching_)
            return;
        if (this.element.hasPointerCapture?.(event.pointerId))
            this.element.releasePointerCapture(event.pointerId);
        this.touching_ = false;
        this.graceUntil_ = performance.now() + graceMs;
        this.element.classList.remove("touched");
        this.schedulePending_();
    }

    key_(event) {
        const steps = { ArrowUp: 0.01, ArrowRight: 0.01, ArrowDown: -0.01, ArrowLeft: -0.01, PageUp: 0.1, PageDown: -0.1 };
        let travel;
        if (event.key in steps)
            travel = this.options_.toTravel(this.value_) + steps[event.key];
        else if (event.key === "Home")
            travel = 0;
        else if (event.key === "End")
            travel = 1;
        else
            return;
        event.preventDefault();
        this.graceUntil_ = performance.now() + graceMs;
        this.input_(this.options_.fromTravel(Math.min(1, Math.max(0, travel))));
    }

    input_(value) {
        this.value_ = value;
        this.show_();
        // One send per frame at most: a drag reports far more often than the daemon needs.
        if (this.sendQueued_)
            return;
        this.sendQueued_ = true;
        requestAnimationFrame(() => {
            this.sendQueued_ = false;
            this.options_.onInput(this.value_);
        });
    }

    schedulePending_() {
        clearTimeout(this.pendingTimer_);
        if (this.pending_ === null)
            return;
        const wait = this.touching_ ? graceMs : Math.max(0, this.graceUntil_ - performance.now()) + 10;
        this.pendingTimer_ = setTimeout(() => {
            if (this.pending_ !== null)
                this.setValue(this.pending_);
        }, wait);
    }

    show_() {
        const travel = Math.min(1, Math.max(0, this.options_.toTravel(this.value_)));
        this.element.style.setProperty("--travel", travel.toFixed(4));
        const text = this.options_.format(this.value_);
        this.element.setAttribute("aria-valuenow", travel.toFixed(3));
        this.element.setAttribute("aria-valuetext", text);
        this.element.dataset.value = String(this.value_);
        this.readout.textContent = text;
    }
}
