// SPDX-License-Identifier: GPL-3.0-or-later
// The web surface end to end: headless Chromium on the page backlined serves, backlined on a
// jackd dummy, values read back over UDP OSC with the `backline` CLI. Run by CTest
// (web_browser_surface); exit 77 (skipped) only where Debian's chromium is absent.

import assert from "node:assert/strict";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { LiveRig, artifacts, haveChromium, launchChromium, waitFor } from "./liveRig.mjs";

if (Number(process.versions.node.split(".")[0]) < 20) {
    // Debian 12's own nodejs is 18: the page itself needs no Node, only this test's driver does.
    console.log(`SKIP: playwright-core needs Node.js 20 or later; this is ${process.version}`);
    process.exit(77);
}
if (!haveChromium()) {
    console.log("SKIP: /usr/bin/chromium is not installed (scripts/setup-deps installs it)");
    process.exit(77);
}

const trackNames = ["kick", "snare", "hats", "toms", "bass", "keys-l", "keys-r", "gtr-1", "gtr-2",
    "pad", "lead", "vox", "bvox-1", "bvox-2", "click", "spare"];

// Sixteen tracks playing tones (so every meter moves), two aux buses, two scenes, a song.
const sessionYaml = `backline: 1
name: web-test
tracks:
${trackNames.map((name, i) => `  - name: ${name}
    dsp: tone
    params: {freq: ${220 + 55 * i}, level: -24}
    gain: ${i === 0 ? -10 : -6}
    sends: [{bus: verb, level: -20}]`).join("\n")}
buses:
  - {name: verb, dsp: reverb}
  - {name: echo, dsp: delay, gain: -4}
scenes:
  verse:  {/track/kick/gain: -12, /track/vox/gain: -3}
  chorus: {/track/kick/gain: -4, /track/vox/gain: 0}
scene_recall: {when: now, fade: 0}
transport: {tempo: 100, meter: [4, 4]}
songs:
  - name: opener
    sections:
      - {name: verse, bars: 4, scene: verse}
      - {name: chorus, bars: 4, scene: chorus}
  - name: closer
    sections:
      - {name: outro, bars: 2}
setlist: [opener, closer]
record: {folder: takes, format: wav, bits: 16, min_free_mb: 1, sources: [master]}
`;

const faderOf = (page, address) => page.locator(`.fader[data-address="${address}"]`);
const faderValue = async (page, address) => Number(await faderOf(page, address).getAttribute("data-value"));

/// Drags a fader by dy pixels (up is negative) with the mouse, as a finger would.
async function drag(page, address, dx, dy) {
    const box = await faderOf(page, address).boundingBox();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    await page.mouse.move(x, y);
    await page.mouse.down();
    await page.mouse.move(x + dx, y + dy, { steps: 12 });
    await page.mouse.up();
}

describe("the web surface", () => {
    let rig;
    let browser;
    let page;

    before(async () => {
        rig = await LiveRig.start(sessionYaml);
        browser = await launchChromium();
        page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        page.on("pageerror", (error) => console.log(`page error: ${error.message}`));
        await page.goto(rig.url);
        await page.waitForSelector('body[data-link="live"][data-built="true"]', { timeout: 20000 });
    });

    after(async () => {
        await browser?.close();
        await rig?.close();
    });

    test("builds one strip per track and bus of the session, and the master", async () => {
        const strips = await page.locator("[data-strip]").evaluateAll((all) => all.map((s) => s.dataset.strip));
        assert.deepEqual(strips, [...trackNames.map((n) => `/track/${n}`), "/bus/verb", "/bus/echo", "/master"]);
        assert.equal(await page.locator("#session").textContent(), "web-test");
        await waitFor(async () => (await page.locator("[data-scene]").count()) === 2, "two scene buttons");
        assert.equal(await faderValue(page, "/track/kick/gain"), -10);
    });

    test("a fader moved on the page sets the parameter in backlined, without a jump on touch", async () => {
        const address = "/track/snare/gain";
        const box = await faderOf(page, address).boundingBox();
        // A touch far from the cap and a release without moving changes nothing.
        await page.mouse.move(box.x + box.width / 2, box.y + 5);
        await page.mouse.down();
        await page.mouse.up();
        await page.waitForTimeout(400); // past the double-tap window: the next touch is a new one
        assert.equal(await faderValue(page, address), -6);
        await drag(page, address, 0, -50);
        const shown = await faderValue(page, address);
        assert.ok(shown > -6, `the fader moved up (shows ${shown})`);
        await waitFor(async () => Math.abs((await rig.get(address)) - shown) < 0.051, () => `backlined's ${address} to become ${shown}`);
    });

    test("the master fader moved on the page changes what backlined plays at its JACK output by as many dB", async () => {
        const address = "/master/gain";
        const before = await faderValue(page, address);
        const levelBefore = await rig.level();
        assert.ok(levelBefore > -40, `the tones play at the output (RMS ${levelBefore} dBFS)`);
        await drag(page, address, 0, 60);
        const shown = await faderValue(page, address);
        assert.ok(shown <= before - 3, `the master fader moved down at least 3 dB (from ${before} to ${shown})`);
        await waitFor(async () => Math.abs((await rig.get(address)) - shown) < 0.051, () => `backlined's master at ${shown}`);
        // The gain glides to its new value (no click); the fader's few dB settle well within this.
        await page.waitForTimeout(300);
        const levelAfter = await rig.level();
        const drop = levelBefore - levelAfter;
        assert.ok(Math.abs(drop - (before - shown)) < 0.5,
            `the output fell ${drop.toFixed(2)} dB for a fader move of ${(before - shown).toFixed(2)} dB`);
        await rig.cli("send", address, String(before));
        await waitFor(async () => (await faderValue(page, address)) === before, "the master fader back");
    });

    test("a value set over UDP OSC moves the page's fader", async () => {
        await rig.cli("send", "/track/bass/gain", "-20.5");
        await waitFor(async () => (await faderValue(page, "/track/bass/gain")) === -20.5, "the bass fader to show -20.5");
        await rig.cli("send", "/track/bass/mute", "1");
        await waitFor(async () => (await page.locator('[data-address="/track/bass/mute"]').getAttribute("aria-pressed")) === "true", "bass muted on the page");
    });

    test("mute and pan on the page reach backlined", async () => {
        await page.locator('[data-address="/track/keys-l/mute"]').click();
        await waitFor(async () => (await rig.get("/track/keys-l/mute")) === 1, "keys-l muted in backlined");
        await drag(page, "/track/keys-l/pan", -40, 0);
        await waitFor(async () => (await rig.get("/track/keys-l/pan")) < -0.1, "keys-l panned left in backlined");
    });

    test("a fader held by the user is not moved by feedback; the user's value wins", async () => {
        const address = "/track/keys-r/gain"; // in view, clear of the master strip
        const box = await faderOf(page, address).boundingBox();
        const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
        await page.mouse.move(x, y);
        await page.mouse.down();
        await page.mouse.move(x, y - 30, { steps: 6 });
        const held = await faderValue(page, address);
        await rig.cli("send", address, "-40");
        await waitFor(async () => (await rig.get(address)) === -40, "backlined at -40 from elsewhere");
        await page.waitForTimeout(300); // feedback has reached the page by now (50 packets a second)
        assert.equal(await faderValue(page, address), held, "the held fader stayed under the finger");
        await page.mouse.move(x, y - 40, { steps: 4 });
        await page.mouse.up();
        const released = await faderValue(page, address);
        assert.ok(released > held, `the last move counted (${held} → ${released})`);
        await waitFor(async () => Math.abs((await rig.get(address)) - released) < 0.051, () => `backlined at the page's ${released}`);
    });

    test("a double tap puts a fader back to its default", async () => {
        const address = "/track/gtr-1/gain";
        const box = await faderOf(page, address).boundingBox();
        await page.mouse.dblclick(box.x + box.width / 2, box.y + box.height / 2);
        await waitFor(async () => (await faderValue(page, address)) === 0, "the fader at its default 0 dB");
        await waitFor(async () => (await rig.get(address)) === 0, "backlined at 0 dB");
    });

    test("a scene button recalls the scene and lights", async () => {
        await page.locator('[data-scene="chorus"]').click();
        await waitFor(async () => (await page.locator('[data-scene="chorus"]').getAttribute("aria-current")) === "true", "the chorus button lit");
        assert.equal(await page.locator('[data-scene="verse"]').getAttribute("aria-current"), "false");
        await waitFor(async () => (await rig.get("/track/kick/gain")) === -4, "kick at the chorus's -4 dB");
        await waitFor(async () => (await faderValue(page, "/track/kick/gain")) === -4, "the kick fader at -4");
    });

    test("the meters move while the tones play, and the master shows loudness", async () => {
        await waitFor(async () => Number(await page.locator('[data-strip="/track/kick"] .meter').getAttribute("data-peak")) > -60, "kick's meter above -60 dBFS");
        await waitFor(async () => Number(await page.locator('[data-strip="/master"] .meter').getAttribute("data-peak")) > -60, "the master's meter above -60 dBFS");
        await waitFor(async () => (await page.locator('[data-loudness="momentary"]').textContent()) !== "—", "a momentary loudness");
    });

    test("a second page stays in sync with the first", async () => {
        const second = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        await second.goto(rig.url);
        await second.waitForSelector('body[data-link="live"][data-built="true"]');
        await waitFor(async () => (await faderValue(second, "/track/bass/gain")) === -20.5, "the second page's bass at -20.5");
        await drag(page, "/track/hats/gain", 0, -40);
        const shown = await faderValue(page, "/track/hats/gain");
        assert.ok(shown > -6, `the first page's hats moved up (shows ${shown})`);
        await waitFor(async () => Math.abs((await faderValue(second, "/track/hats/gain")) - shown) < 0.051, () => `the second page's hats at ${shown}`);
        await second.close();
    });

    test("the record button starts a take whose time runs, and stops it", async () => {
        await waitFor(async () => !(await page.locator("#record").isDisabled()), "the record button enabled");
        await page.locator("#record").click();
        await waitFor(async () => (await page.locator("#record").getAttribute("aria-pressed")) === "true", "the record button lit");
        await waitFor(async () => (await page.locator("#take-time").textContent()) !== "0:00", "the take's time running", 30000);
        await page.locator("#record").click();
        await waitFor(async () => (await page.locator("#record").getAttribute("data-state")) === "idle", "the recorder idle again", 30000);
    });

    test("the song and section buttons cue songs and sections", async () => {
        const song = page.locator("#song");
        for (let i = 0; i < 3 && (await song.textContent()) !== "closer"; ++i) {
            await page.locator("#song-next").click();
            await page.waitForTimeout(300);
        }
        await waitFor(async () => (await song.textContent()) === "closer", "the closer cued");
        await page.locator("#song-prev").click();
        await waitFor(async () => (await song.textContent()) === "opener", "the opener cued");
        await waitFor(async () => (await page.locator("#section").textContent()).startsWith("verse"), "its verse shown");
        await page.locator("#section-next").click();
        await waitFor(async () => (await page.locator("#section").textContent()).startsWith("chorus"), "its chorus shown");
        const status = await rig.cli("send", "/arrangement/status");
        assert.match(status, /opener/);
    });

    test("the transport plays, counts bars and beats, changes tempo and stops", async () => {
        await page.locator("#tempo-up").click();
        await waitFor(async () => /\/transport\/tempo 101\b/.test(await rig.cli("send", "/transport/tempo")), "backlined at 101 BPM");
        await waitFor(async () => (await page.locator("#tempo").textContent()) === "101", "the page at 101 BPM");
        await page.locator("#play").click();
        await waitFor(async () => (await page.locator("#play").getAttribute("aria-pressed")) === "true", "play lit");
        const start = await page.locator("#position").textContent();
        await waitFor(async () => (await page.locator("#position").textContent()) !== start, "bar.beat moving", 30000);
        await page.locator("#stop").click();
        await waitFor(async () => (await page.locator("#stop").getAttribute("aria-pressed")) === "true", "stop lit");
        assert.match(await rig.cli("send", "/transport/position"), /stopped/);
    });

    for (const [name, viewport] of [["tablet-landscape", { width: 1280, height: 800 }], ["phone-portrait", { width: 390, height: 844 }]]) {
        test(`${name} (${viewport.width}×${viewport.height}): no sideways scroll, controls of 44 px or more`, async () => {
            const view = await browser.newPage({ viewport, hasTouch: name.startsWith("phone"), isMobile: name.startsWith("phone") });
            await view.goto(rig.url);
            await view.waitForSelector('body[data-link="live"][data-built="true"]');
            await waitFor(async () => (await view.locator("[data-scene]").count()) === 2, "the scene buttons");
            await view.waitForTimeout(500); // meters drawn, for the picture
            for (const tab of ["mix", "sends"]) {
                await view.locator(`[data-tab="${tab}"]`).click();
                await view.screenshot({ path: path.join(artifacts, `surface-${name}${tab === "mix" ? "" : "-sends"}.png`) });
                const layout = await view.evaluate(() => {
                    const small = [];
                    const cut = [];
                    for (const e of document.querySelectorAll("button, select, [role=slider]")) {
                        const r = e.getBoundingClientRect();
                        if (r.width === 0 && r.height === 0)
                            continue; // hidden (the other tab, another aux)
                        const name = `${e.getAttribute("aria-label") ?? e.textContent} ${Math.round(r.width)}×${Math.round(r.height)}`;
                        if (Math.min(r.width, r.height) < 44)
                            small.push(name);
                        // The strips may scroll sideways inside their own row; nothing else may
                        // stick out of the window (hidden by the page's overflow, it could not be reached).
                        if (!e.closest(".mix") && (r.left < -1 || r.right > innerWidth + 1))
                            cut.push(`${name} at ${Math.round(r.left)}…${Math.round(r.right)}`);
                    }
                    return { scrollWidth: document.documentElement.scrollWidth, width: innerWidth, small, cut };
                });
                assert.ok(layout.scrollWidth <= layout.width, `${tab}: page ${layout.scrollWidth} px wide in a ${layout.width} px window`);
                assert.deepEqual(layout.small, [], `${tab}: controls smaller than 44 px`);
                assert.deepEqual(layout.cut, [], `${tab}: controls outside the window`);
            }
            await view.close();
        });
    }

    test("a fader touch on a phone moves the fader and does not scroll the page", async () => {
        const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
        await phone.goto(rig.url);
        await phone.waitForSelector('body[data-link="live"][data-built="true"]');
        const address = "/track/pad/gain";
        await faderOf(phone, address).scrollIntoViewIfNeeded();
        const before = await faderValue(phone, address);
        const scrollBefore = await phone.evaluate(() => scrollY);
        const box = await faderOf(phone, address).boundingBox();
        const cdp = await phone.context().newCDPSession(phone);
        const at = (x, y) => [{ x, y, id: 1 }];
        const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
        await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: at(x, y) });
        for (let i = 1; i <= 10; ++i)
            await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: at(x + 6 * i, y - 12 * i) });
        await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
        await waitFor(async () => (await faderValue(phone, address)) > before, "the pad fader moved by touch");
        assert.equal(await phone.evaluate(() => scrollY), scrollBefore, "the page did not scroll");
        await waitFor(async () => Math.abs((await rig.get(address)) - (await faderValue(phone, address))) < 0.051, "backlined took the touch");
        await phone.close();
    });

    test("shows offline when backlined stops, and re-syncs when it is back", async () => {
        await rig.stopDaemon();
        await page.waitForSelector('body[data-link="offline"]', { timeout: 20000 });
        assert.ok(await page.locator("#offline-note").isVisible(), "the offline note shows");
        assert.match(await page.locator("#link").textContent(), /offline/);
        await waitFor(async () => (await page.locator('[data-strip="/master"] .meter').getAttribute("data-peak")) === "-200.0", "the meters emptied while offline");
        await page.screenshot({ path: path.join(artifacts, "surface-offline.png") });
        // The session comes back with the file's values: the page must show them, not what it had.
        await rig.startDaemon();
        await page.waitForSelector('body[data-link="live"]', { timeout: 30000 });
        await waitFor(async () => (await faderValue(page, "/track/kick/gain")) === -10, "kick back at the file's -10 dB");
        await waitFor(async () => (await faderValue(page, "/track/bass/gain")) === -6, "bass back at the file's -6 dB");
        assert.match(await page.locator("#offline-note").textContent(), /Back online/);
        // And it steers again.
        await rig.cli("send", "/track/toms/gain", "-30");
        await waitFor(async () => (await faderValue(page, "/track/toms/gain")) === -30, "toms at -30 after the reconnection");
    });
});

describe("the web surface behind a PIN", () => {
    let rig;
    let browser;

    before(async () => {
        rig = await LiveRig.start(`backline: 1
name: pin-test
web: {pin: "0246"}
tracks:
  - {name: tone, dsp: tone}
`);
        browser = await launchChromium();
    });

    after(async () => {
        await browser?.close();
        await rig?.close();
    });

    test("asks the PIN once, then shows the mixer; says 'not authorised' when the PIN is forgotten", async () => {
        const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
        const first = await page.goto(rig.url);
        assert.equal(first.status(), 401, "the server's PIN form first");
        await page.fill('input[name="pin"]', "9999");
        await Promise.all([page.waitForNavigation(), page.press('input[name="pin"]', "Enter")]);
        assert.equal(await page.locator("body[data-link]").count(), 0, "a wrong PIN does not open the mixer");
        await page.fill('input[name="pin"]', "0246");
        await Promise.all([page.waitForNavigation(), page.press('input[name="pin"]', "Enter")]);
        await page.waitForSelector('body[data-link="live"][data-built="true"]', { timeout: 20000 });
        assert.equal(await page.locator("[data-strip]").count(), 2, "the tone track and the master");
        // A restarted backlined has forgotten the cookie it gave: the page says why it cannot connect.
        await rig.stopDaemon();
        await rig.startDaemon();
        await page.waitForSelector('body[data-link="refused"]', { timeout: 30000 });
        assert.match(await page.locator("#link").textContent(), /not authorised/);
    });
});
