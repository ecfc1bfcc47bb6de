// SPDX-License-Identifier: GPL-3.0-or-later
// MeterMap: bars and beats as a function of the beats counted, with a meter change that waits
// for the bar in progress to end. Used on the audio thread and off it.
#pragma once

#include "core/Nonblocking.h"

#include <cstdint>

namespace backline::engine {

/// A place in bars: bar and beat from 1, and how far into the beat (0 ≤ fraction < 1).
struct BarPlace {
    std::int64_t bar = 1;
    int beat = 1;
    double fraction = 0.0;
    std::int64_t barStart = 0; ///< the beats counted where this bar begins
    int beatsPerBar = 4;       ///< the meter of this bar
    int beatUnit = 4;
};

/// The meter along the beats the tempo map counts. A beat is the meter's denominator note
/// (BPM count those), so a bar is always `num` beats, whatever the denominator. Bar
/// `anchorBar` begins at beat anchorBeats (a whole number, on a bar line); from there the
/// meter is num/den, before it beforeNum/beforeDen (a change that waited for its bar line).
/// Plain data: copied through the seqlock that publishes the transport.
struct MeterMap {
    int num = 4;
    int den = 4;
    int beforeNum = 4;
    int beforeDen = 4;
    std::int64_t anchorBeats = 0;
    std::int64_t anchorBar = 1;

    /// [any] num/den from beat 0, which begins bar 1 (what a locate makes).
    static MeterMap constant(int num, int den) noexcept BACKLINE_NONBLOCKING;

    /// [any] The bar, beat and fraction of a beat at beats.
    BarPlace place(double beats) const noexcept BACKLINE_NONBLOCKING;
    /// [any] Where bar `bar`'s beat `beat` (both from 1) begins, in beats.
    double beatsOf(std::int64_t bar, int beat) const noexcept BACKLINE_NONBLOCKING;
    /// [any] This map with num/den from the first bar line at or after beats on (at beats
    /// itself when it is one): a meter change mid-bar lets the bar finish.
    MeterMap withMeter(int newNum, int newDen, double beats) const noexcept BACKLINE_NONBLOCKING;
    /// [any] This map with a bar beginning at beat `beats` (an arrangement's jump on a beat):
    /// the bar playing there is cut short and counting goes on from the next bar number. A meter
    /// change waiting for its bar line starts there. Itself when a bar begins there already.
    MeterMap withBarLineAt(std::int64_t beats) const noexcept BACKLINE_NONBLOCKING;
};

} // namespace backline::engine
