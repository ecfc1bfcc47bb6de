// SPDX-License-Identifier: GPL-3.0-or-later
// The pads' keyboard (control/web/www/js/keyboard.js), in Node: names, layout, octave range,
// velocity from where a pad is struck.

import assert from "node:assert/strict";
import { test } from "node:test";

import { defaultStart, highestStart, isBlack, lowestStart, noteName, padNotes, shiftStart, velocityAt } from "../../../control/web/www/js/keyboard.js";

test("notes are named as MIDI numbers them, 60 being middle C (C4)", () => {
    assert.equal(noteName(60), "C4");
    assert.equal(noteName(69), "A4");
    assert.equal(noteName(61), "C#4");
    assert.equal(noteName(0), "C-1");
    assert.equal(noteName(127), "G9");
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].filter((n) => isBlack(60 + n)), [1, 3, 6, 8, 10]);
});

test("two octaves of pads from the start, white keys side by side below, black keys between them above", () => {
    const pads = padNotes(defaultStart);
    assert.equal(pads.length, 24);
    assert.deepEqual(pads.map((p) => p.note), Array.from({ length: 24 }, (_, i) => 48 + i));
    assert.equal(pads.find((p) => p.note === 60).octave, 1, "middle C starts the upper octave");
    for (const octave of [0, 1]) {
        const mine = pads.filter((p) => p.octave === octave);
        const whites = mine.filter((p) => !p.black);
        const blacks = mine.filter((p) => p.black);
        assert.deepEqual(whites.map((p) => p.column), [1, 3, 5, 7, 9, 11, 13], "white pads two columns each, no gap");
        assert.ok(whites.every((p) => p.row === 2) && blacks.every((p) => p.row === 1));
        // Each black pad straddles the boundary between the white pads of the notes beside it.
        for (const black of blacks) {
            const below = mine.find((p) => p.note === black.note - 1);
            const above = mine.find((p) => p.note === black.note + 1);
            assert.equal(black.column, below.column + 1);
            assert.equal(black.column + 1, above.column);
        }
    }
});

test("octave shifts move by twelve and keep every pad inside MIDI's 0 … 127", () => {
    assert.equal(shiftStart(48, 1), 60);
    assert.equal(shiftStart(48, -1), 36);
    assert.equal(shiftStart(lowestStart, -1), lowestStart);
    assert.equal(shiftStart(highestStart, 1), highestStart);
    const top = padNotes(highestStart);
    assert.equal(top.length, 24);
    assert.ok(top.at(-1).note <= 127);
    assert.ok(highestStart + 12 + 23 > 127, "an octave higher would leave MIDI's range");
});

test("a strike's velocity grows from the pad's top edge to its bottom edge", () => {
    assert.equal(velocityAt(0), 0.25);
    assert.equal(velocityAt(1), 1);
    assert.equal(velocityAt(-0.2), 0.25, "outside the pad: its nearest edge");
    assert.equal(velocityAt(1.5), 1);
    assert.equal(velocityAt(NaN), 1);
    let last = 0;
    for (let f = 0; f <= 1; f += 0.05) {
        const v = velocityAt(f);
        assert.ok(v >= last && v > 0 && v <= 1);
        last = v;
    }
});
