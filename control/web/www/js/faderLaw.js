// SPDX-License-Identifier: GPL-3.0-or-later
// The fader law (travel ↔ dB) and the number formats every control shows. Pure functions.

// A console's scale: the top quarter of the travel is ±10 dB around unity, where a mix lives;
// below -60 dB the last tenth runs down to silence.
const law = [
    [0.0, -120],
    [0.06, -80],
    [0.12, -60],
    [0.25, -40],
    [0.38, -30],
    [0.5, -20],
    [0.62, -10],
    [0.7, -5],
    [0.78, 0],
    [0.89, 6],
    [1.0, 12],
];

function interpolate(x, from, to) {
    const pairs = law.map((p) => [p[from], p[to]]);
    if (x <= pairs[0][0])
        return pairs[0][1];
    for (let i = 1; i < pairs.length; ++i) {
        const [x1, y1] = pairs[i];
        if (x <= x1) {
            const [x0, y0] = pairs[i - 1];
            return y0 + ((x - x0) / (x1 - x0)) * (y1 - y0);
        }
    }
    return pairs[pairs.length - 1][1];
}

/// Travel (0 … 1) for a dB value on a -120 … 12 dB fader.
export function dbToTravel(db) {
    return interpolate(db, 1, 0);
}

/// dB for a travel (0 … 1).
export function travelToDb(travel) {
    return interpolate(travel, 0, 1);
}

/// A linear law between min and max, for pans and other continuous controls.
export function linearTravel(value, min, max) {
    return max > min ? (value - min) / (max - min) : 0;
}

/// "-6.0", "+3.5", "-∞" (at or below -119.5 dB).
export function formatDb(db) {
    if (db <= -119.5)
        return "-∞";
    const text = Math.abs(db) < 10 ? db.toFixed(1) : db.toFixed(0);
    return db > 0.05 ? `+${text}` : text;
}

/// "C", "L40", "R25" for a pan of -1 … 1.
export function formatPan(pan) {
    const percent = Math.round(Math.abs(pan) * 100);
    if (percent === 0)
        return "C";
    return (pan < 0 ? "L" : "R") + percent;
}

/// A meter level in dBFS (-200: silence) as a share of a meter's height (-60 … +6 dB).
export function meterHeight(dbfs) {
    if (!(dbfs > -60))
        return 0;
    return Math.min(1, (dbfs + 60) / 66);
}

/// "-14.2" for a loudness or level reading; "—" for silence (-200, or below -99).
export function formatLevel(value) {
    return value > -99 ? value.toFixed(1) : "—";
}

/// "m:ss" for seconds.
export function formatDuration(seconds) {
    const s = Math.max(0, Math.floor(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const rest = String(s % 60).padStart(2, "0");
    return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
