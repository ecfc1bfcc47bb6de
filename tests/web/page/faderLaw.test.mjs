// SPDX-License-Identifier: GPL-3.0-or-later
// The page's fader law and number formats (control/web/www/js/faderLaw.js), in Node.

import assert from "node:assert/strict";
import { test } from "node:test";

import { dbToTravel, formatDb, formatDuration, formatLevel, formatPan, meterHeight, travelToDb } from "../../../control/web/www/js/faderLaw.js";

test("the law spans the whole fader: silence at the bottom, +12 dB at the top, unity at 0.78", () => {
    assert.equal(dbToTravel(-120), 0);
    assert.equal(dbToTravel(12), 1);
    assert.equal(dbToTravel(0), 0.78);
    assert.equal(travelToDb(0), -120);
    assert.equal(travelToDb(1), 12);
});

test("travel and dB are each other's inverse, and the law only rises", () => {
    let last = -Infinity;
    for (let db = -120; db <= 12; db += 0.5) {
        const travel = dbToTravel(db);
        assert.ok(travel > last, `travel rises at ${db} dB`);
        last = travel;
        assert.ok(Math.abs(travelToDb(travel) - db) < 1e-9, `round trip at ${db} dB`);
    }
});

test("values outside the range are held at its ends", () => {
    assert.equal(dbToTravel(-200), 0);
    assert.equal(dbToTravel(40), 1);
    assert.equal(travelToDb(-0.5), -120);
    assert.equal(travelToDb(7), 12);
});

test("numbers read as a musician expects", () => {
    assert.equal(formatDb(-120), "-∞");
    assert.equal(formatDb(-6), "-6.0");
    assert.equal(formatDb(3.5), "+3.5");
    assert.equal(formatDb(0), "0.0");
    assert.equal(formatDb(-20.4), "-20");
    assert.equal(formatPan(0), "C");
    assert.equal(formatPan(-0.4), "L40");
    assert.equal(formatPan(1), "R100");
    assert.equal(formatLevel(-200), "—");
    assert.equal(formatLevel(-14.25), "-14.3");
    assert.equal(formatDuration(754.2), "12:34");
    assert.equal(formatDuration(3725), "1:02:05");
});

test("meters show -60 … +6 dBFS; silence (-200) and NaN show nothing", () => {
    assert.equal(meterHeight(-200), 0);
    assert.equal(meterHeight(Number.NaN), 0);
    assert.equal(meterHeight(-60), 0);
    assert.equal(meterHeight(6), 1);
    assert.equal(meterHeight(20), 1);
    assert.ok(Math.abs(meterHeight(-27) - 0.5) < 1e-9);
});
