// SPDX-License-Identifier: GPL-3.0-or-later
// The instruments' routes: /track/<t>/note and /track/<t>/allnotesoff (reached through the
// /track/ family, whose handler hands them here), /panic and /instruments. OSC thread. Notes
// answer only when something is wrong: a pad played fast must not flood its tablet with replies.
#include "control/osc/OscDispatcher.h"

#include "control/osc/ClientTable.h"
#include "control/osc/HeldNotes.h"
#include "control/osc/OscPacket.h"

#include <fmt/format.h>

#include <cmath>

namespace backline::control {

std::optional<PlayAddress> playAddress(std::string_view address)
{
    constexpr std::string_view family = "/track/";
    if (!address.starts_with(family))
        return std::nullopt;
    const std::string_view rest = address.substr(family.size());
    const auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash == 0)
        return std::nullopt;
    const std::string_view verb = rest.substr(slash + 1);
    if (verb != "note" && verb != "allnotesoff")
        return std::nullopt;
    return PlayAddress {rest.substr(0, slash), verb == "note" ? PlayAddress::Verb::Note : PlayAddress::Verb::AllNotesOff};
}

void OscDispatcher::play(OscCall& call, const PlayAddress& target)
{
    auto fail = [&](std::string message) {
        call.out.push_back(errorReply(call.address, std::move(message)));
        if (call.batch)
            ++call.batch->invalid;
    };
    const std::string track(target.track);
    // Who holds which note, so that a connection that closes lets go of its own (UDP: none).
    const std::uint64_t connection = call.held && call.client ? call.client->endpoint.connection : 0;
    if (call.batch) {
        // In a bundle: checked now, so a note for a track that is no instrument refuses it whole.
        if (auto r = control_.play().check(track); !r)
            return fail(r.error().message);
    }
    std::function<Result<void>(std::uint64_t)> run;
    std::optional<port::Note> played; // a single note, remembered once it is played
    if (target.verb == PlayAddress::Verb::AllNotesOff) {
        if (call.argc != 0)
            return fail("takes no arguments");
        run = [this, track](std::uint64_t frame) { return control_.play().allNotesOff(track, frame); };
    } else {
        if (call.argc != 2)
            return fail(fmt::format("expects a note (0..127) and a velocity (0..1, 0 releases it), got {} argument{}",
                call.argc, call.argc == 1 ? "" : "s"));
        const auto note = numberArg(call.types, call.argv, 0);
        const auto velocity = numberArg(call.types, call.argv, 1);
        if (!note || !velocity)
            return fail(fmt::format("expects two numbers, a note and a velocity, got {} and {}", typeName(call.types[0]),
                typeName(call.types[1])));
        if (!std::isfinite(*note) || *note != std::floor(*note) || *note < 0.0 || *note > 127.0)
            return fail(fmt::format("a note is a whole number 0..127 (60 is middle C), got {}", *note));
        if (!std::isfinite(*velocity) || *velocity < 0.0 || *velocity > 1.0)
            return fail(fmt::format("a note's velocity is 0..1 (0 releases it), got {}", *velocity));
        if (call.batch) {
            // The bundle's notes play together: one action plays them all, on one frame.
            if (!call.batch->notes) {
                call.batch->notes = std::make_shared<std::vector<port::Note>>();
                call.batch->actions.push_back({std::string(call.address), [this, notes = call.batch->notes](std::uint64_t frame) {
                    return control_.play().notes(*notes, frame);
                }});
            }
            call.batch->notes->push_back({track, int(*note), *velocity});
            if (connection)
                call.held->played(connection, track, int(*note), *velocity);
            return;
        }
        run = [this, track, n = int(*note), v = *velocity](std::uint64_t frame) {
            return control_.play().note(track, n, v, frame);
        };
        played = port::Note {track, int(*note), *velocity};
    }
    if (call.batch) {
        // In a bundle: played with the bundle, on its frame when it has a time.
        call.batch->actions.push_back({std::string(call.address), std::move(run)});
        return;
    }
    if (auto r = run(0); !r) {
        call.out.push_back(errorReply(call.address, r.error().message));
    } else if (call.held && target.verb == PlayAddress::Verb::AllNotesOff) {
        call.held->releasedTrack(track);
    } else if (connection && played) {
        call.held->played(connection, track, played->note, played->velocity);
    }
}

void OscDispatcher::panic(OscCall& call)
{
    if (auto r = control_.play().panic(); !r) {
        call.out.push_back(errorReply(call.address, r.error().message));
        return;
    }
    if (call.held)
        call.held->releasedAll();
    call.out.push_back(OscReply {"/panic/done", {}});
}

void OscDispatcher::instruments(OscCall& call)
{
    // A surface asks once at connect which tracks get pads: /state lists parameters, and a
    // note is not one.
    OscReply reply {"/instruments", {}};
    for (auto& name : control_.play().instruments())
        reply.args.emplace_back(std::move(name));
    call.out.push_back(std::move(reply));
}

} // namespace backline::control
