// SPDX-License-Identifier: GPL-3.0-or-later
// The listener registry: every listener hears every change, reset and notice, with the change's
// due time; a removed one is never called again, even by a call that was in flight.
#include "port/Listeners.h"

#include "WaitFor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

using namespace backline;
using namespace backline::port;

namespace {

struct Heard {
    std::string address;
    float value = 0;
    std::int64_t dueNs = 0;
};

class Recorder : public ChangeListener {
public:
    void paramChanged(const std::string& address, float value, std::int64_t dueNs) override
    {
        changes.push_back({address, value, dueNs});
    }
    void paramsReset() override { ++resets; }
    void notice(const Notice& n) override
    {
        notices.push_back(n);
        if (gate.valid()) {
            inNotice = true;
            gate.wait();
        }
    }

    std::vector<Heard> changes;
    int resets = 0;
    std::vector<Notice> notices;
    std::shared_future<void> gate; ///< when valid, notice() waits for it
    std::atomic<bool> inNotice {false};
};

} // namespace

TEST(Listeners, EveryListenerHearsEveryChangeInOrderWithItsDueTime)
{
    Listeners listeners;
    Recorder a, b;
    listeners.add(&a);
    listeners.add(&b);
    listeners.changed({{"/track/vox/gain", -6.0f}, {"/track/vox/pan", 0.25f}}, 123'000);
    listeners.changed({{"/master/gain", -1.0f}}, 0);
    for (const auto* r : {&a, &b}) {
        ASSERT_EQ(r->changes.size(), 3u);
        EXPECT_EQ(r->changes[0].address, "/track/vox/gain");
        EXPECT_FLOAT_EQ(r->changes[0].value, -6.0f);
        EXPECT_EQ(r->changes[0].dueNs, 123'000);
        EXPECT_EQ(r->changes[1].address, "/track/vox/pan");
        EXPECT_EQ(r->changes[1].dueNs, 123'000);
        EXPECT_EQ(r->changes[2].address, "/master/gain");
        EXPECT_EQ(r->changes[2].dueNs, 0) << "0: the next block";
    }
}

TEST(Listeners, ResetsAndNoticesReachEveryListener)
{
    Listeners listeners;
    Recorder a, b;
    listeners.add(&a);
    listeners.add(&b);
    listeners.reset();
    listeners.notice({"/dsp/fault", {std::string("track/vox"), std::string("non-finite output")}});
    for (const auto* r : {&a, &b}) {
        EXPECT_EQ(r->resets, 1);
        ASSERT_EQ(r->notices.size(), 1u);
        EXPECT_EQ(r->notices[0].address, "/dsp/fault");
        ASSERT_EQ(r->notices[0].args.size(), 2u);
        EXPECT_EQ(std::get<std::string>(r->notices[0].args[0]), "track/vox");
    }
}

TEST(Listeners, ARemovedListenerHearsNothingMoreAndTheOthersCarryOn)
{
    Listeners listeners;
    Recorder a, b;
    listeners.add(&a);
    listeners.add(&b);
    listeners.changed({{"/master/gain", -1.0f}}, 0);
    listeners.remove(&a);
    listeners.changed({{"/master/gain", -2.0f}}, 0);
    listeners.reset();
    listeners.notice({"/record/event", {}});
    EXPECT_EQ(a.changes.size(), 1u);
    EXPECT_EQ(a.resets, 0);
    EXPECT_TRUE(a.notices.empty());
    ASSERT_EQ(b.changes.size(), 2u) << "the control: the one still registered heard it";
    EXPECT_FLOAT_EQ(b.changes[1].value, -2.0f);
    EXPECT_EQ(b.resets, 1);
    EXPECT_EQ(b.notices.size(), 1u);
}

// A surface that goes away (an OSC server stopping) removes its listener and is then
// destroyed: a call in flight on another thread (the disk thread posting a notice) must have
// finished first, or it would run on a destroyed object.
TEST(Listeners, RemoveWaitsForACallInFlight)
{
    Listeners listeners;
    Recorder a;
    std::promise<void> release;
    a.gate = release.get_future().share();
    listeners.add(&a);
    std::thread poster([&] { listeners.notice({"/record/event", {}}); });
    ASSERT_TRUE(test::waitFor([&] { return a.inNotice.load(); }));
    std::atomic<bool> removed {false};
    std::thread remover([&] {
        listeners.remove(&a);
        removed = true;
    });
    // remove() cannot return while notice() is held (a correct one never does, so this wait
    // cannot fail by chance; a wrong one returns within it); it does once the call is let go.
    EXPECT_FALSE(test::waitFor([&] { return removed.load(); }, std::chrono::milliseconds(200)))
        << "remove() returned while the listener was still being called";
    release.set_value();
    poster.join();
    remover.join();
    EXPECT_TRUE(removed.load());
    listeners.notice({"/record/event", {}});
    EXPECT_EQ(a.notices.size(), 1u);
}
