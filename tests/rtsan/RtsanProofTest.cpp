// SPDX-License-Identifier: GPL-3.0-or-later
// Proof that the RealtimeSanitizer build really checks the audio thread: functions marked with
// the project's BACKLINE_NONBLOCKING macro that allocate or lock must be reported and abort the
// process, and the engine's real block must run clean. Built only by the rtsan preset.
#include "core/Nonblocking.h"
#include "engine/Engine.h"

#include <gtest/gtest.h>

#include <memory>
#include <mutex>

#if !__has_feature(realtime_sanitizer)
#error "tests/rtsan is built only with -fsanitize=realtime (cmake --preset rtsan)"
#endif

namespace {

// Deliberately broken audio-thread code. Clang's compile-time proof (-Wfunction-effects) would
// reject it, so it is silenced here: what is tested is the run-time check behind it.
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wfunction-effects"

[[gnu::noinline]] int* allocateOnTheAudioThread() noexcept BACKLINE_NONBLOCKING
{
    return new int(42);
}

[[gnu::noinline]] void lockOnTheAudioThread(std::mutex& mutex) noexcept BACKLINE_NONBLOCKING
{
    mutex.lock();
    mutex.unlock();
}

[[gnu::noinline]] void freeOnTheAudioThread(int* p) noexcept BACKLINE_NONBLOCKING
{
    delete p;
}

#pragma clang diagnostic pop

} // namespace

TEST(RealtimeSanitizerDeathTest, AllocationInANonblockingFunctionIsReported)
{
    EXPECT_DEATH(
        {
            int* p = allocateOnTheAudioThread();
            delete p;
        },
        "RealtimeSanitizer: unsafe-library-call.*(malloc|operator new)");
}

TEST(RealtimeSanitizerDeathTest, FreeInANonblockingFunctionIsReported)
{
    EXPECT_DEATH(freeOnTheAudioThread(new int(1)), "RealtimeSanitizer: unsafe-library-call.*(free|operator delete)");
}

TEST(RealtimeSanitizerDeathTest, LockInANonblockingFunctionIsReported)
{
    std::mutex mutex;
    EXPECT_DEATH(lockOnTheAudioThread(mutex), "RealtimeSanitizer: unsafe-library-call.*pthread_mutex_lock");
}

TEST(RealtimeSanitizer, SameCallsOutsideNonblockingCodeAreFine)
{
    // The check is scoped to the audio path: the control side may allocate and lock.
    auto p = std::make_unique<int>(3);
    std::mutex mutex;
    std::lock_guard lock(mutex);
    EXPECT_EQ(*p, 3);
}

TEST(RealtimeSanitizer, EngineBlockWithoutAGraphRunsClean)
{
    // The engine's real entry point, run under the sanitizer on this thread: no report.
    backline::engine::Engine engine;
    float left[64] {}, right[64] {};
    float* outputs[2] = {left, right};
    for (int i = 0; i < 4; ++i)
        engine.process(nullptr, 0, outputs, 2, 64);
    EXPECT_EQ(engine.blocks(), 4u);
}
