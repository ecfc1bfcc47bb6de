#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes backline-demo.json, the Open Stage Control session that drives sessions/demo.yaml.

Run it again after changing the demo's tracks, buses, scenes or songs (edit TRACKS, BUSES,
SCENES and SONGS below):
    control/layouts/make-demo-layout.py > control/layouts/backline-demo.json
"""
import json
import sys

TRACKS = [("drone", "Drone"), ("chimes", "Chimes"), ("mic", "Mic")]
BUSES = [("verb", "Reverb"), ("echo", "Echo")]
SCENES = ["intro", "verse", "chorus", "outro"]
SONGS = ["dawn", "dusk"]
METER_HZ = 15
LEASE = 10        # seconds a subscription lasts unless renewed
RENEW_MS = 4000   # renewed well before it runs out

# A fader's travel: most of it where a mix lives (-30 … +12 dB), the rest down to silence.
FADER_RANGE = {"min": -120, "15%": -60, "40%": -30, "75%": 0, "max": 12}
METER_RANGE = {"min": -60, "max": 0}

ids = set()


def widget(kind, wid, **props):
    assert wid not in ids, wid
    ids.add(wid)
    w = {"type": kind, "id": wid, "top": "auto", "left": "auto", "width": "auto", "height": "auto"}
    w.update(props)
    return w


def panel(wid, widgets, layout="vertical", **props):
    return widget("panel", wid, layout=layout, widgets=widgets, innerPadding=True, **props)


def label(wid, text, height=30):
    return widget("text", wid, value=text, height=height, interaction=False, css="font-weight: bold")


def fader(wid, address, rng, **props):
    props.setdefault("decimals", 1)
    return widget("fader", wid, address=address, range=rng, design="compact", doubleTap=True, typeTags="f", **props)


def meter(wid, address):
    # A fader nobody can touch, fed by the meter stream ("single" format: one value per address).
    return fader(wid, address, METER_RANGE, interaction=False, width=16, dashed=True, alphaFillOn=0.8,
                 colorFill="#5fd35f", decimals=0)


def knob(wid, address, rng, text, **props):
    return widget("knob", wid, address=address, range=rng, label=text, design="solid", doubleTap=True,
                  typeTags="f", height=70, **props)


def toggle(wid, address, text, color):
    return widget("button", wid, address=address, mode="toggle", on=1, off=0, label=text, colorWidget=color,
                  typeTags="f", height=40)


def action(wid, text, script, color="auto", **props):
    # Sends what `script` says when pressed (the button's own value is not sent: bypass).
    return widget("button", wid, mode="tap", label=text, bypass=True, colorWidget=color, height=50,
                  onValue="if (value) { " + script + " }", **props)


def strip(name, title, sends):
    prefix = f"/track/{name}"
    controls = [label(f"{name}_label", title)]
    for bus, bus_title in sends:
        controls.append(knob(f"{name}_send_{bus}", f"{prefix}/send/{bus}/level", {"min": -120, "max": 12},
                             f"{bus_title} send"))
    controls.append(knob(f"{name}_pan", f"{prefix}/pan", {"min": -1, "max": 1}, "Pan", origin=0))
    controls.append(panel(f"{name}_fader_row", [
        meter(f"{name}_meter", f"/meters/track/{name}/peak"),
        fader(f"{name}_gain", f"{prefix}/gain", FADER_RANGE, expand=True),
    ], layout="horizontal", expand=True))
    controls.append(toggle(f"{name}_mute", f"{prefix}/mute", "Mute", "#d35f5f"))
    controls.append(toggle(f"{name}_solo", f"{prefix}/solo", "Solo", "#d3c25f"))
    return panel(f"strip_{name}", controls, width=120)


def bus_strip(name, title):
    prefix = f"/bus/{name}"
    return panel(f"strip_bus_{name}", [
        label(f"bus_{name}_label", title),
        knob(f"bus_{name}_pan", f"{prefix}/pan", {"min": -1, "max": 1}, "Balance", origin=0),
        panel(f"bus_{name}_fader_row", [
            meter(f"bus_{name}_meter", f"/meters/bus/{name}/peak"),
            fader(f"bus_{name}_gain", f"{prefix}/gain", FADER_RANGE, expand=True),
        ], layout="horizontal", expand=True),
        toggle(f"bus_{name}_mute", f"{prefix}/mute", "Mute", "#d35f5f"),
        toggle(f"bus_{name}_solo_safe", f"{prefix}/solo_safe", "Solo safe", "#5f8dd3"),
    ], width=120)


def master_strip():
    return panel("strip_master", [
        label("master_label", "Master"),
        knob("master_ceiling", "/master/limiter/ceiling", {"min": -24, "max": 0}, "Ceiling dBTP"),
        panel("master_fader_row", [
            meter("master_meter_l", "/meters/master/peak"),
            fader("master_gain", "/master/gain", FADER_RANGE, expand=True),
        ], layout="horizontal", expand=True),
        widget("text", "master_loudness_label", value="Short-term LUFS", height=20, interaction=False),
        widget("text", "master_loudness", address="/meters/loudness/short_term", value="-", height=30,
               interaction=False, decimals=1),
        toggle("master_limiter_on", "/master/limiter/on", "Limiter", "#5f8dd3"),
    ], width=140)


def status_row():
    def field(wid, address, title):
        return panel(f"{wid}_box", [
            widget("text", f"{wid}_title", value=title, height=20, interaction=False),
            widget("text", wid, address=address, value="-", height=30, interaction=False, decimals=1),
        ], width=110)
    return panel("status_row", [
        field("status_recording", "/status/recording", "Recording"),
        field("status_dsp", "/status/dsp_load", "DSP load %"),
        field("status_xruns", "/status/xruns", "Xruns"),
        field("status_transport", "/status/transport", "Transport"),
    ], layout="horizontal", height=80)


def transport_row():
    return panel("transport_row", [
        action("transport_play", "Play", "send('/transport/play')", "#5fd35f"),
        action("transport_stop", "Stop", "send('/transport/stop')"),
        action("record_start", "Record", "send('/record/start')", "#d35f5f"),
        action("record_stop", "Stop rec", "send('/record/stop')"),
        action("record_marker", "Marker", "send('/record/marker', 'marker')", "#d3c25f"),
    ] + [action(f"scene_{s}", s.capitalize(), f"send('/scene/recall', '{s}')", "#8d5fd3") for s in SCENES],
        layout="horizontal", height=70)


def display(wid, title, width=110):
    # A read-only field that the feed scripts below fill in (it has no address of its own).
    return panel(f"{wid}_box", [
        widget("text", f"{wid}_title", value=title, height=20, interaction=False),
        widget("text", wid, value="-", height=30, interaction=False),
    ], width=width)


def feed(wid, address, script):
    # Runs script with the arguments of each `address` message backlined sends (a reply to
    # this surface or feedback to subscribers) as `value`, to fill displays without sending.
    return widget("script", wid, address=address, onValue=script, visible=False)


def show(wid, value):
    return f"set('{wid}', {value}, {{send: false}});"


def show_row():
    # Songs are cued at once while the transport stands (to their start, at their tempo) and
    # on the next bar while it rolls; the displays follow what backlined says happened.
    songs = [action(f"song_{s}", s.capitalize(), f"send('/setlist/goto', '{s}')", "#5f8dd3") for s in SONGS]
    steps = [
        action("setlist_prev", "Prev song", "send('/setlist/prev')"),
        action("setlist_next", "Next song", "send('/setlist/next')"),
        action("arrangement_prev", "Prev section", "send('/arrangement/prev')"),
        action("arrangement_next", "Next section", "send('/arrangement/next')"),
    ]
    displays = [
        display("show_song", "Song"),
        display("show_section", "Section"),
        display("show_next", "Next"),
        display("transport_position", "Bar.beat"),
        display("transport_tempo", "Tempo"),
    ]
    return panel("show_row", songs + steps + displays, layout="horizontal", height=80)


def feeds():
    return [
        # /transport/position f:seconds i:bar i:beat f:tick_fraction f:bpm s:state
        feed("feed_position", "/transport/position",
             show("transport_position", "value[1] + '.' + value[2]")
             + show("transport_tempo", "value[4].toFixed(1)")),
        feed("feed_tempo", "/transport/tempo", show("transport_tempo", "value.toFixed(1)")),
        # /setlist/cued s:song s:when and /arrangement/jump s:section s:when: what was asked
        feed("feed_cued", "/setlist/cued", show("show_song", "value[0]")),
        feed("feed_jump", "/arrangement/jump", show("show_section", "value[0] || '(end)'")),
        # /arrangement/section s:song s:section s:scene: what started, on its bar
        feed("feed_section", "/arrangement/section",
             show("show_song", "value[0]") + show("show_section", "value[1]")),
        # /arrangement/status s:song i:place s:section i:bar i:bars s:next i:playing i:looping
        feed("feed_arrangement", "/arrangement/status",
             show("show_song", "value[0] || '-'") + show("show_section", "value[2] || '-'")
             + show("show_next", "value[5] || '(end)'")),
    ]


def subscriber():
    # Subscribes to feedback and meters when the session opens, renews before the lease runs
    # out, and asks for /status now and then (its /status/… replies feed the status row).
    # /transport/position and /arrangement/status fill the show row while nothing changes
    # (feedback brings every change).
    renew = (f"send('/subscribe', {LEASE}); send('/meters/subscribe', {METER_HZ}, 'single', {LEASE}); "
             "send('/status'); send('/transport/position'); send('/arrangement/status');")
    return widget("script", "backline_subscriber", onCreate=renew + f" setInterval(() => {{ {renew} }}, {RENEW_MS});",
                  visible=False)


def session():
    sends = BUSES
    mixer = panel("mixer", [strip(n, t, sends) for n, t in TRACKS] + [bus_strip(n, t) for n, t in BUSES]
                  + [master_strip()], layout="horizontal", expand=True)
    page = panel("page", [transport_row(), show_row(), mixer, status_row()], layout="vertical", width="100%",
                 height="100%")
    root = {
        "type": "root",
        "id": "root",
        "layout": "default",
        "widgets": [subscriber()] + feeds() + [page],
        "tabs": [],
        "variables": {},
        "comments": "backline demo surface: drives sessions/demo.yaml. Generated by "
                    "control/layouts/make-demo-layout.py; see control/layouts/README.md.",
    }
    return {"createdWith": "Open Stage Control", "version": "1.26.2", "type": "session", "content": root}


json.dump(session(), sys.stdout, indent=2)
sys.stdout.write("\n")
