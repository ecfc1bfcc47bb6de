// SPDX-License-Identifier: GPL-3.0-or-later
// The pads' keyboard as numbers: where each note of an octave sits, the notes' names, the
// octaves a panel may show, and the velocity a strike gets from where on its pad it lands.
// Pure functions: the page's PadPanel uses them, tests/web/page/keyboard.test.mjs checks them.

const names = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"];
// An octave is a grid of 14 half-key columns: the white keys side by side in the lower row,
// each black key in the upper row straddling the two white keys it sits between, as on a piano.
const columns = [1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13];

/// The pads a panel shows: two octaves.
export const octavesShown = 2;
/// The lowest C a panel can start on (MIDI's C-1) and the highest that keeps every pad inside
/// MIDI's 0 … 127 (120, the last C, is where the octave above the panel's would start).
export const lowestStart = 0;
export const highestStart = 120 - 12 * octavesShown;
/// Where a panel starts: C3, so middle C (60) is the second octave's first pad.
export const defaultStart = 48;
/// The softest strike (the pad's top edge); its bottom edge, like a key's front, plays 1.
export const softestVelocity = 0.25;

/// A note's name with its octave, MIDI's 60 being C4 (middle C): "C4", "F#2", "C-1".
export function noteName(note) {
    return `${names[note % 12]}${Math.floor(note / 12) - 1}`;
}

/// Whether note is a black key.
export function isBlack(note) {
    return names[note % 12].length > 1;
}

/// The notes of the octaves shown from start (a C), each with its name, colour and place in
/// its octave's grid: {note, name, black, octave (0 …), column (1 … 13, spanning two), row (1 black, 2 white)}.
export function padNotes(start, octaves = octavesShown) {
    const pads = [];
    for (let octave = 0; octave < octaves; ++octave)
        for (let i = 0; i < 12; ++i) {
            const note = start + 12 * octave + i;
            if (note > 127)
                return pads;
            const black = isBlack(note);
            pads.push({ note, name: noteName(note), black, octave, column: columns[i], row: black ? 1 : 2 });
        }
    return pads;
}

/// The start an octave shift by `by` octaves gives, kept inside MIDI's range.
export function shiftStart(start, by) {
    return Math.min(highestStart, Math.max(lowestStart, start + 12 * by));
}

/// The velocity (0 … 1, two decimals) of a strike `fraction` of the way down its pad (0 the
/// top edge, 1 the bottom): soft at the top, loud at the bottom, as a key is near its front.
export function velocityAt(fraction) {
    const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 1));
    return Math.round((softestVelocity + (1 - softestVelocity) * f) * 100) / 100;
}
