// SPDX-License-Identifier: GPL-3.0-or-later
// The web surface's pads end to end: headless Chromium plays an instrument track of backlined
// (on a jackd dummy) from the page's pads, with the mouse and with several fingers at once, and
// the test listens to backlined's JACK output: silence, the note struck (by its pitch), silence
// again when it is let go, and no note left sounding when the link drops or the page is hidden.
// Run by CTest (web_browser_pads); exit 77 (skipped) only where Debian's chromium is absent.

import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { after, afterEach, before, describe, test } from "node:test";

import { DropProxy } from "./dropProxy.mjs";
import { LiveRig, artifacts, haveChromium, launchChromium, waitFor } from "./liveRig.mjs";

if (Number(process.versions.node.split(".")[0]) < 20) {
    console.log(`SKIP: playwright-core needs Node.js 20 or later; this is ${process.version}`);
    process.exit(77);
}
if (!haveChromium()) {
    console.log("SKIP: /usr/bin/chromium is not installed (scripts/setup-deps installs it)");
    process.exit(77);
}

// A sine voice (its velocity its amplitude, a 50 ms release to true silence), so each note is
// one frequency at the output; and a track that is no instrument, which gets no pads.
const voice = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../data/faust/voice_sine.dsp");
const sessionYaml = `backline: 1
name: pads-test
tracks:
  - name: keys
    dsp: ${voice}
    channels: 2
    voices: 8
    gain: -12
  - name: tone
    dsp: tone
    params: {freq: 1000, level: -120}
`;

const hz = (note) => 440 * 2 ** ((note - 69) / 12);
const sounding = -40; // dBFS of a note's tone at the output: a pad's note is well above it
const silent = -90; // RMS dBFS: nothing plays (the voice's release ends in zeros)

const padOf = (page, note) => page.locator(`.pad-panel[data-track="keys"] .pad[data-note="${note}"]`);
const pressed = async (page, note) => (await padOf(page, note).getAttribute("aria-pressed")) === "true";

/// The point `fraction` of the way down a pad (0 its top edge), horizontally in its middle.
async function pointOn(page, note, fraction = 0.5) {
    const box = await padOf(page, note).boundingBox();
    return { x: box.x + box.width / 2, y: box.y + box.height * fraction };
}

/// Presses the mouse on a pad and keeps it down.
async function strike(page, note, fraction = 0.5) {
    const { x, y } = await pointOn(page, note, fraction);
    await page.mouse.move(x, y);
    await page.mouse.down();
}

async function waitForSilence(rig, what) {
    await waitFor(async () => (await rig.tones(440)).rms < silent, what, 30000);
}

/// The level of note's tone once it sounds whole (a capture that began before it is not it).
async function settledToneDb(rig, note) {
    await waitFor(async () => (await rig.tones(hz(note))).tones[0] > sounding, () => `note ${note} (${hz(note).toFixed(1)} Hz) sounding`);
    return (await rig.tones(hz(note))).tones[0];
}

describe("the pads", () => {
    let rig;
    let proxy;
    let browser;
    let page;
    let touch;
    const pageErrors = [];

    before(async () => {
        rig = await LiveRig.start(sessionYaml);
        // The page goes through a relay the test can cut, as a Wi-Fi that drops would.
        proxy = await DropProxy.start(rig.webPort);
        browser = await launchChromium();
        page = await browser.newPage({ viewport: { width: 1280, height: 800 }, hasTouch: true });
        page.on("pageerror", (error) => pageErrors.push(error.message));
        await page.goto(`${proxy.url}#pads`);
        await page.waitForSelector('body[data-link="live"][data-built="true"]', { timeout: 30000 });
        await page.waitForSelector('.pad-panel[data-track="keys"]', { state: "visible", timeout: 20000 });
        touch = await page.context().newCDPSession(page);
    });

    after(async () => {
        await browser?.close();
        await proxy?.close();
        await rig?.close();
    });

    /// Touches the screen: touchStart and touchMove with every finger down ([id, {x, y}]),
    /// touchEnd with the fingers that lift (none: all of them).
    const fingers = async (type, points) =>
        touch.send("Input.dispatchTouchEvent", { type, touchPoints: points.map(([id, p]) => ({ id, x: p.x, y: p.y })) });

    // A test that failed half way leaves no finger or button down for the next one.
    afterEach(async () => {
        await fingers("touchEnd", []).catch(() => {});
        await page.mouse.up().catch(() => {});
    });

    test("the instrument track gets pads, the other track none; #pads opens them", async () => {
        const panels = await page.locator(".pad-panel").evaluateAll((all) => all.map((p) => p.dataset.track));
        assert.deepEqual(panels, ["keys"]);
        assert.ok(await page.locator("#pads-tab").isVisible(), "the Pads tab shows");
        assert.equal(await page.locator("#pads-tab").getAttribute("aria-selected"), "true");
        assert.equal(await padOf(page, 48).count(), 1, "two octaves from C3 …");
        assert.equal(await padOf(page, 71).count(), 1, "… to B4");
        assert.equal(await page.locator(".pad-panel .pad").count(), 24);
    });

    test("a pad pressed sounds its note while it is held, and silence follows its release", async () => {
        await waitForSilence(rig, "silence before any pad is played");
        await strike(page, 69);
        assert.ok(await pressed(page, 69), "the pad lights");
        const level = await settledToneDb(rig, 69);
        // Held, not a one-shot: it sounds as long as the pad is down.
        assert.ok((await rig.tones(440)).tones[0] > level - 1, "the note goes on while the pad is held");
        await page.mouse.up();
        await waitForSilence(rig, "silence after the pad is let go");
        assert.ok(!(await pressed(page, 69)), "the pad is dark again");
    });

    test("a strike near a pad's bottom edge is louder than one near its top", async () => {
        await strike(page, 69, 0.08);
        const soft = await settledToneDb(rig, 69);
        await page.mouse.up();
        await waitForSilence(rig, "silence after the soft strike");
        await strike(page, 69, 0.92);
        const loud = await settledToneDb(rig, 69);
        await page.mouse.up();
        await waitForSilence(rig, "silence after the loud strike");
        console.log(`[ measured ] A4 struck near the top: ${soft.toFixed(1)} dBFS, near the bottom: ${loud.toFixed(1)} dBFS`);
        assert.ok(loud - soft > 6, `the bottom strike ${loud.toFixed(1)} dBFS, the top ${soft.toFixed(1)}`);
    });

    test("two pads held by two fingers sound two notes; lifting one leaves the other", async () => {
        const c4 = await pointOn(page, 60);
        const g4 = await pointOn(page, 67);
        await fingers("touchStart", [[1, c4]]);
        await fingers("touchStart", [[1, c4], [2, g4]]);
        await waitFor(async () => {
            const { tones } = await rig.tones(hz(60), hz(67));
            return tones[0] > sounding && tones[1] > sounding;
        }, "C4 and G4 sounding together", 30000);
        assert.ok((await pressed(page, 60)) && (await pressed(page, 67)), "both pads lit");
        // The first finger up (a touchEnd names the fingers that lift): its note stops, the
        // second's goes on.
        await fingers("touchEnd", [[1, c4]]);
        await waitFor(async () => {
            const { tones } = await rig.tones(hz(60), hz(67));
            return tones[0] < sounding - 30 && tones[1] > sounding;
        }, "C4 stopped and G4 still sounding", 30000);
        assert.ok(!(await pressed(page, 60)) && (await pressed(page, 67)), "only G4 lit");
        await fingers("touchEnd", []);
        await waitForSilence(rig, "silence once both fingers are lifted");
    });

    test("a finger sliding across the pads plays each in turn and leaves only the last sounding", async () => {
        const c4 = await pointOn(page, 60);
        const a4 = await pointOn(page, 69);
        await fingers("touchStart", [[1, c4]]);
        await settledToneDb(rig, 60);
        // A glissando over the white pads C4 … A4 (pads far apart in pitch, so that each
        // tone is measured clear of the other's).
        for (let i = 1; i <= 10; ++i)
            await fingers("touchMove", [[1, { x: c4.x + ((a4.x - c4.x) * i) / 10, y: c4.y }]]);
        await waitFor(async () => {
            const { tones } = await rig.tones(hz(60), hz(64), hz(69));
            return tones[0] < sounding - 30 && tones[1] < sounding - 30 && tones[2] > sounding;
        }, "A4 sounding alone at the glissando's end", 30000);
        assert.deepEqual(await page.locator('.pad[aria-pressed="true"]').evaluateAll((all) => all.map((p) => p.dataset.note)), ["69"]);
        await fingers("touchEnd", []);
        await waitForSilence(rig, "silence once the finger is lifted");
    });

    test("octave up plays the same pad an octave higher", async () => {
        await page.locator('[aria-label="keys octave up"]').click();
        await waitFor(async () => (await padOf(page, 81).count()) === 1, "the pads from C4 to B5");
        assert.equal(await padOf(page, 48).count(), 0);
        await strike(page, 81);
        await settledToneDb(rig, 81);
        await page.mouse.up();
        await waitForSilence(rig, "silence after A5");
        await page.locator('[aria-label="keys octave down"]').click();
        await waitFor(async () => (await padOf(page, 48).count()) === 1, "the pads back on C3");
    });

    test("all notes off and panic silence notes whose fingers are still down", async () => {
        const c4 = await pointOn(page, 60);
        await fingers("touchStart", [[1, c4]]);
        await settledToneDb(rig, 60);
        await page.locator('[aria-label="keys all notes off"]').click();
        await waitForSilence(rig, "silence after all notes off, the finger still down");
        assert.ok(!(await pressed(page, 60)), "the pad let go");
        await fingers("touchEnd", []);

        const g4 = await pointOn(page, 67);
        await fingers("touchStart", [[1, c4], [2, g4]]);
        await settledToneDb(rig, 67);
        await page.locator("#panic").click();
        await waitForSilence(rig, "silence after panic, two fingers still down");
        await fingers("touchEnd", []);
    });

    test("a touch the browser cancels releases its note", async () => {
        await fingers("touchStart", [[1, await pointOn(page, 69)]]);
        await settledToneDb(rig, 69);
        await fingers("touchCancel", []);
        await waitForSilence(rig, "silence after the touch was cancelled");
    });

    test("a page hidden releases the notes held on it", async () => {
        await strike(page, 69);
        await settledToneDb(rig, 69);
        // Headless Chromium shows every page: the page is told it is hidden as a browser would.
        await page.evaluate(() => {
            Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
            document.dispatchEvent(new Event("visibilitychange"));
        });
        await waitForSilence(rig, "silence after the page is hidden, the mouse still down");
        await page.evaluate(() => delete document.visibilityState);
        await page.mouse.up();
    });

    test("a link that dies without a word releases the notes held; their offs go out when it is back", async () => {
        await strike(page, 69);
        await settledToneDb(rig, 69);
        // The browser's side goes; backlined's connection stays open, as a Wi-Fi that dies
        // leaves it (until its pings go unanswered).
        proxy.down({ serverSees: false });
        await page.waitForSelector('body[data-link="offline"]', { timeout: 20000 });
        assert.ok(!(await pressed(page, 69)), "the pad let go when the link dropped");
        // backlined cannot know: the note sounds on until the page can send its off. This is
        // what makes the silence below the page's doing.
        assert.ok((await rig.tones(440)).tones[0] > sounding, "the note still sounds while the link is down");
        proxy.up();
        await page.waitForSelector('body[data-link="live"]', { timeout: 30000 });
        await waitForSilence(rig, "silence once the page is back and has sent the off it owed");
        await page.mouse.up();
        // And the pads play again.
        await strike(page, 60);
        await settledToneDb(rig, 60);
        await page.mouse.up();
        await waitForSilence(rig, "silence after the pad is let go");
    });

    test("a connection that closes has backlined release its notes while the page is still away", async () => {
        const c4 = await pointOn(page, 60);
        const g4 = await pointOn(page, 67);
        await fingers("touchStart", [[1, c4], [2, g4]]);
        await waitFor(async () => {
            const { tones } = await rig.tones(hz(60), hz(67));
            return tones[0] > sounding && tones[1] > sounding;
        }, "C4 and G4 sounding together", 30000);
        proxy.down(); // backlined sees its WebSocket close
        await page.waitForSelector('body[data-link="offline"]', { timeout: 20000 });
        await waitForSilence(rig, "silence with the page still cut off");
        await fingers("touchEnd", []);
        proxy.up();
        await page.waitForSelector('body[data-link="live"]', { timeout: 30000 });
        await strike(page, 69);
        await settledToneDb(rig, 69);
        await page.mouse.up();
        await waitForSilence(rig, "silence after the pad is let go");
    });

    for (const [name, viewport] of [["tablet-landscape", { width: 1280, height: 800 }], ["phone-portrait", { width: 390, height: 844 }]]) {
        test(`${name} (${viewport.width}×${viewport.height}): pads fit without sideways scroll, every control 44 px or more`, async () => {
            const phone = name.startsWith("phone");
            const view = await browser.newPage({ viewport, hasTouch: phone, isMobile: phone });
            view.on("pageerror", (error) => pageErrors.push(error.message));
            await view.goto(`${rig.url}#pads`);
            await view.waitForSelector('.pad-panel[data-track="keys"]', { state: "visible", timeout: 20000 });
            await view.screenshot({ path: path.join(artifacts, `pads-${name}.png`) });
            const layout = await view.evaluate(() => {
                const small = [];
                const cut = [];
                for (const e of document.querySelectorAll("#pads button, #pads select")) {
                    const r = e.getBoundingClientRect();
                    const label = `${e.getAttribute("aria-label") ?? e.textContent} ${Math.round(r.width)}×${Math.round(r.height)}`;
                    if (Math.min(r.width, r.height) < 44)
                        small.push(label);
                    if (r.left < -1 || r.right > innerWidth + 1)
                        cut.push(label);
                }
                // One instrument's keyboard fits the screen whole: a pad takes every touch, so
                // one below the fold could only be reached by scrolling from somewhere else.
                const below = [...document.querySelectorAll(".pad")].filter((p) => p.getBoundingClientRect().bottom > innerHeight + 1);
                return { scrollWidth: document.documentElement.scrollWidth, width: innerWidth, small, cut, below: below.length };
            });
            assert.equal(layout.below, 0, "pads below the bottom of the window");
            assert.ok(layout.scrollWidth <= layout.width, `page ${layout.scrollWidth} px wide in a ${layout.width} px window`);
            assert.deepEqual(layout.small, [], "controls smaller than 44 px");
            assert.deepEqual(layout.cut, [], "controls outside the window");
            await view.close();
        });
    }

    test("no script error on the pages", () => {
        assert.deepEqual(pageErrors, []);
    });
});
