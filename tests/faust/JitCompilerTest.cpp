// SPDX-License-Identifier: GPL-3.0-or-later
// Compiling .dsp files at load time, and the machine-code cache that makes a restart fast.
#include "DspRender.h"
#include "Signal.h"

#include "faust/DspDependencies.h"
#include "faust/JitCompiler.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

using namespace backline::test;
using backline::ErrorCode;
using backline::faust::JitCompiler;
namespace fs = std::filesystem;

namespace {

const fs::path dataDir = BACKLINE_TEST_DATA_DIR "/faust";

/// Each test gets a scratch folder (a cache, edited copies of fixtures), removed afterwards.
class Jit : public ::testing::Test {
protected:
    void SetUp() override
    {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        scratch_ = fs::temp_directory_path() / ("backline-jit-" + std::to_string(::getpid()) + "-" + info->name());
        fs::remove_all(scratch_);
        fs::create_directories(scratch_);
    }
    void TearDown() override { fs::remove_all(scratch_); }

    fs::path cacheDir() const { return scratch_ / "cache"; }
    JitCompiler::Options cached() const { return { cacheDir(), {} }; }

    /// Writes text to a file in the scratch folder.
    fs::path write(const std::string& name, const std::string& text) const
    {
        const fs::path file = scratch_ / name;
        std::ofstream(file) << text;
        return file;
    }

    /// Writes a library the way an editor saved it a while ago: the cache keeps no entry whose
    /// libraries changed in the second before the compile (they may have changed during it).
    fs::path writeLibrary(const std::string& name, const std::string& text) const
    {
        const fs::path file = write(name, text);
        fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::seconds(10));
        return file;
    }

    std::vector<fs::path> cacheFiles() const
    {
        std::vector<fs::path> files;
        if (fs::exists(cacheDir()))
            for (const auto& entry : fs::directory_iterator(cacheDir()))
                files.push_back(entry.path());
        return files;
    }

    fs::path scratch_;
};

/// An instance of factory at testSampleRate, failing the test if there is none.
std::unique_ptr<backline::faust::DspInstance> instance(const std::shared_ptr<backline::faust::DspFactory>& factory)
{
    auto dsp = factory->instantiate(testSampleRate);
    EXPECT_TRUE(dsp) << (dsp ? "" : dsp.error().message);
    return dsp ? std::move(dsp.value()) : nullptr;
}

/// A 440 Hz sine at a linear amplitude written into the source.
std::string withAmp(const std::string& amp)
{
    return "import(\"stdfaust.lib\");\nprocess = os.osc(hslider(\"freq[unit:Hz]\", 440, 20, 2000, 1)) * " + amp + ";\n";
}

} // namespace

TEST_F(Jit, CompilesAFileAndFindsItsControls)
{
    JitCompiler jit({});
    auto factory = jit.compile(dataDir / "test_tone.dsp");
    ASSERT_TRUE(factory) << factory.error().message;
    EXPECT_FALSE(jit.lastWasCached());
    EXPECT_EQ(factory.value()->origin(), fs::absolute(dataDir / "test_tone.dsp").lexically_normal().string());

    auto dsp = instance(factory.value());
    ASSERT_TRUE(dsp);
    EXPECT_EQ(dsp->numInputs(), 0);
    EXPECT_EQ(dsp->numOutputs(), 1);
    const auto* freq = dsp->findParam("osc/freq");
    ASSERT_NE(freq, nullptr);
    EXPECT_EQ(freq->unit, "Hz");
    EXPECT_EQ(freq->tooltip, "Pitch");
    EXPECT_EQ(freq->kind, backline::port::ParamKind::Continuous);
    EXPECT_FLOAT_EQ(freq->min, 20.0f);
    EXPECT_FLOAT_EQ(freq->max, 20000.0f);
    EXPECT_FLOAT_EQ(freq->init, 440.0f);
    EXPECT_EQ(freq->midiCc, 74) << "[midi:ctrl 74]: a MIDI controller's knob moves it";
    EXPECT_EQ(dsp->findParam("gate")->midiCc, -1) << "[midi:keyon 60] is no controller";
    ASSERT_NE(dsp->findParam("osc/amp"), nullptr);
    EXPECT_EQ(dsp->findParam("osc/amp")->unit, "lin");
    ASSERT_NE(dsp->findParam("shape"), nullptr);
    EXPECT_EQ(dsp->findParam("shape")->kind, backline::port::ParamKind::Stepped);
    ASSERT_NE(dsp->findParam("gate"), nullptr);
    EXPECT_EQ(dsp->findParam("gate")->kind, backline::port::ParamKind::Trigger);
    ASSERT_NE(dsp->findParam("invert"), nullptr);
    EXPECT_EQ(dsp->findParam("invert")->kind, backline::port::ParamKind::Toggle);
    EXPECT_EQ(dsp->params().size(), 5u);
}

TEST_F(Jit, CompiledDspSoundsRight)
{
    JitCompiler jit({});
    auto factory = jit.compile(dataDir / "test_tone.dsp");
    ASSERT_TRUE(factory) << factory.error().message;
    auto dsp = instance(factory.value());
    ASSERT_TRUE(dsp);
    setParam(*dsp, "osc/freq", 1000.0f);
    setParam(*dsp, "osc/amp", 0.25f);
    const auto out = render(*dsp, {}, frames(1.0));
    EXPECT_NEAR(toneDb(out[0], 1000.0, testSampleRate), -12.04, 0.05);
    EXPECT_LT(toneDb(out[0], 1100.0, testSampleRate), -70.0);
}

TEST_F(Jit, ANewCompilerLoadsTheSameDspFromTheCache)
{
    std::vector<float> first;
    {
        JitCompiler jit(cached());
        auto factory = jit.compile(dataDir / "test_tone.dsp");
        ASSERT_TRUE(factory) << factory.error().message;
        EXPECT_FALSE(jit.lastWasCached());
        first = render(*instance(factory.value()), {}, frames(0.5))[0];
    }
    ASSERT_EQ(cacheFiles().size(), 1u);
    EXPECT_EQ(cacheFiles()[0].extension(), ".fbc");

    JitCompiler restarted(cached());
    auto factory = restarted.compile(dataDir / "test_tone.dsp");
    ASSERT_TRUE(factory) << factory.error().message;
    EXPECT_TRUE(restarted.lastWasCached());
    auto dsp = instance(factory.value());
    ASSERT_NE(dsp->findParam("osc/freq"), nullptr);
    EXPECT_EQ(render(*dsp, {}, frames(0.5))[0], first); // bit for bit
}

TEST_F(Jit, EditingTheFileInvalidatesTheCache)
{
    const fs::path file = write("edited.dsp", withAmp("0.5"));
    {
        JitCompiler jit(cached());
        ASSERT_TRUE(jit.compile(file));
        ASSERT_TRUE(jit.compile(file));
        EXPECT_TRUE(jit.lastWasCached());
    }
    write("edited.dsp", withAmp("0.125"));
    JitCompiler jit(cached());
    auto factory = jit.compile(file);
    ASSERT_TRUE(factory) << factory.error().message;
    EXPECT_FALSE(jit.lastWasCached());
    const auto out = render(*instance(factory.value()), {}, frames(1.0));
    EXPECT_NEAR(toneDb(out[0], 440.0, testSampleRate), -18.06, 0.05); // the edit is heard
    EXPECT_EQ(cacheFiles().size(), 2u);
}

TEST_F(Jit, EveryDspOfASessionComesBackFromTheCacheInAnyOrder)
{
    // Faust's SHA of an expanded file depends on what the process compiled before, so a key
    // made from it missed the cache for every DSP but the first of a session.
    std::vector<fs::path> files;
    for (const char* amp : {"0.5", "0.25", "0.125"})
        files.push_back(write(std::string("amp") + amp + ".dsp", withAmp(amp)));
    {
        JitCompiler jit(cached());
        for (const auto& file : files)
            ASSERT_TRUE(jit.compile(file));
    }
    for (int pass = 0; pass < 2; ++pass) {
        JitCompiler restarted(cached());
        for (auto it = files.rbegin(); it != files.rend(); ++it) {
            ASSERT_TRUE(restarted.compile(*it));
            EXPECT_TRUE(restarted.lastWasCached()) << it->filename() << " was compiled again (pass " << pass << ")";
        }
    }
    EXPECT_EQ(cacheFiles().size(), 3u);
}

TEST_F(Jit, EditingALibraryItImportsRecompilesIt)
{
    writeLibrary("gain.lib", "g = 0.5;\n");
    const fs::path file = write("uses_gain.dsp", "g = library(\"gain.lib\").g;\nprocess = 0.25 * g;\n");
    {
        JitCompiler jit(cached());
        auto factory = jit.compile(file);
        ASSERT_TRUE(factory) << factory.error().message;
        EXPECT_EQ(render(*instance(factory.value()), {}, 16)[0][15], 0.125f);
    }
    writeLibrary("gain.lib", "g = 2;\n");
    JitCompiler jit(cached());
    auto factory = jit.compile(file);
    ASSERT_TRUE(factory) << factory.error().message;
    EXPECT_FALSE(jit.lastWasCached()) << "the library changed, the cache did not notice";
    EXPECT_EQ(render(*instance(factory.value()), {}, 16)[0][15], 0.5f);
    ASSERT_TRUE(jit.compile(file));
    EXPECT_TRUE(jit.lastWasCached());
    EXPECT_EQ(cacheFiles().size(), 1u) << "the entry is rewritten, not added to";
}

TEST_F(Jit, ALibrarySavedDuringTheCompileIsNotCachedAgainstIt)
{
    // Faust reads a library at the start of a compile, the cache hashes it at the end: a save
    // in between would pair the new contents with the old code. A library written in the
    // second before the compile may have been, so that entry is not kept.
    write("fresh.lib", "g = 0.5;\n");
    const fs::path file = write("uses_fresh.dsp", "g = library(\"fresh.lib\").g;\nprocess = 0.25 * g;\n");
    JitCompiler jit(cached());
    ASSERT_TRUE(jit.compile(file));
    EXPECT_TRUE(cacheFiles().empty());
    ASSERT_TRUE(jit.compile(file));
    EXPECT_FALSE(jit.lastWasCached());
}

TEST_F(Jit, ALibraryShadowedByANewFileInAFolderSearchedFirstRecompiles)
{
    // Faust searches the include folders before the DSP's own: a library of the same name put
    // in one is the one Faust imports now.
    fs::create_directories(scratch_ / "inc");
    fs::create_directories(scratch_ / "dsp");
    writeLibrary("dsp/shared.lib", "g = 0.5;\n");
    const fs::path file = write("dsp/uses_shared.dsp", "g = library(\"shared.lib\").g;\nprocess = 0.25 * g;\n");
    const JitCompiler::Options options {cacheDir(), {scratch_ / "inc"}};
    {
        JitCompiler jit(options);
        auto factory = jit.compile(file);
        ASSERT_TRUE(factory) << factory.error().message;
        EXPECT_EQ(render(*instance(factory.value()), {}, 16)[0][15], 0.125f);
        ASSERT_TRUE(jit.compile(file));
        EXPECT_TRUE(jit.lastWasCached());
    }
    writeLibrary("inc/shared.lib", "g = 4;\n");
    JitCompiler jit(options);
    auto factory = jit.compile(file);
    ASSERT_TRUE(factory) << factory.error().message;
    EXPECT_FALSE(jit.lastWasCached());
    EXPECT_EQ(render(*instance(factory.value()), {}, 16)[0][15], 1.0f);
}

TEST(JitCacheEntry, KeepsItsDependenciesAndCodeAndRefusesWhatIsNotOne)
{
    using backline::faust::CachedDsp;
    const CachedDsp entry {{{"/usr/share/faust/stdfaust.lib", "AB12"}, {"/a b/c.lib", "CD34"}}, std::string("\0code\nbytes", 11)};
    const auto back = backline::faust::unpackCachedDsp(backline::faust::packCachedDsp(entry));
    ASSERT_TRUE(back);
    ASSERT_EQ(back->dependencies.size(), 2u);
    EXPECT_EQ(back->dependencies[1].path, "/a b/c.lib");
    EXPECT_EQ(back->dependencies[1].sha1, "CD34");
    EXPECT_EQ(back->code, entry.code);
    for (const char* bad : {"", "machine code", "backline-dsp-dependencies 1\n", "backline-dsp-dependencies 1\nx\n",
             "backline-dsp-dependencies 1\n2\nAB /a\n", "backline-dsp-dependencies 1\n1\nnospace\n",
             "backline-dsp-dependencies 1\n99999\n"})
        EXPECT_FALSE(backline::faust::unpackCachedDsp(bad)) << bad;
}

TEST_F(Jit, RecoversFromADamagedCacheFile)
{
    const fs::path file = write("tone.dsp", withAmp("0.5"));
    {
        JitCompiler jit(cached());
        ASSERT_TRUE(jit.compile(file));
    }
    ASSERT_EQ(cacheFiles().size(), 1u);
    const fs::path cacheFile = cacheFiles()[0];

    // Truncated in the middle of the machine code (a full disk, a power cut)...
    const auto size = fs::file_size(cacheFile);
    fs::resize_file(cacheFile, size / 2);
    {
        JitCompiler jit(cached());
        auto factory = jit.compile(file);
        ASSERT_TRUE(factory) << factory.error().message;
        EXPECT_FALSE(jit.lastWasCached());
        EXPECT_NEAR(toneDb(render(*instance(factory.value()), {}, frames(1.0))[0], 440.0, testSampleRate), -6.02, 0.05);
    }
    EXPECT_EQ(fs::file_size(cacheFile), size); // rewritten whole

    // ...or overwritten with garbage of the right length.
    std::ofstream(cacheFile, std::ios::trunc) << std::string(size, 'A');
    {
        JitCompiler jit(cached());
        ASSERT_TRUE(jit.compile(file));
        EXPECT_FALSE(jit.lastWasCached());
    }
    JitCompiler jit(cached());
    ASSERT_TRUE(jit.compile(file));
    EXPECT_TRUE(jit.lastWasCached());
}

TEST_F(Jit, AnUnwritableCacheIsNotFatal)
{
    const fs::path file = write("tone.dsp", withAmp("0.5"));
    write("not-a-folder", "a file where the cache folder should be");
    JitCompiler jit({ scratch_ / "not-a-folder" / "cache", {} });
    auto factory = jit.compile(file);
    ASSERT_TRUE(factory) << factory.error().message;
    EXPECT_FALSE(jit.lastWasCached());
}

TEST_F(Jit, ABrokenFileReportsFaustsMessage)
{
    JitCompiler jit(cached());
    const fs::path file = fs::absolute(dataDir / "undefined_symbol.dsp").lexically_normal();
    auto factory = jit.compile(file);
    ASSERT_FALSE(factory);
    EXPECT_EQ(factory.error().code, ErrorCode::Faust);
    const std::string& message = factory.error().message;
    EXPECT_EQ(message.rfind("cannot compile " + file.string() + ": ", 0), 0u) << message;
    EXPECT_NE(message.find("undefined symbol"), std::string::npos) << message;
    EXPECT_NE(message.find("notDefinedAnywhere"), std::string::npos) << message;
    EXPECT_TRUE(cacheFiles().empty());
}

TEST_F(Jit, AMissingFileIsAnIoError)
{
    JitCompiler jit({});
    const fs::path file = scratch_ / "nowhere.dsp";
    auto factory = jit.compile(file);
    ASSERT_FALSE(factory);
    EXPECT_EQ(factory.error().code, ErrorCode::Io);
    EXPECT_NE(factory.error().message.find(file.string()), std::string::npos) << factory.error().message;
}

TEST_F(Jit, RefusesASoundfile)
{
    JitCompiler jit({});
    auto factory = jit.compile(dataDir / "soundfile.dsp");
    ASSERT_FALSE(factory);
    EXPECT_EQ(factory.error().code, ErrorCode::Faust);
    EXPECT_NE(factory.error().message.find("soundfile"), std::string::npos) << factory.error().message;
    EXPECT_NE(factory.error().message.find("soundfile.dsp"), std::string::npos) << factory.error().message;
}

TEST_F(Jit, RefusesMoreThan64Outputs)
{
    JitCompiler jit({});
    auto factory = jit.compile(dataDir / "too_many_outputs.dsp");
    ASSERT_FALSE(factory);
    EXPECT_EQ(factory.error().code, ErrorCode::Faust);
    EXPECT_NE(factory.error().message.find("65 outputs"), std::string::npos) << factory.error().message;
    EXPECT_NE(factory.error().message.find("64"), std::string::npos) << factory.error().message;
}

TEST_F(Jit, FindsLibrariesInIncludeDirs)
{
    write("mylib.lib", "twice = *(2);\n");
    const fs::path file = write("sub/uses_lib.dsp", "");
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "import(\"mylib.lib\");\nprocess = 0.25 : twice;\n";

    JitCompiler without({});
    EXPECT_FALSE(without.compile(file));
    JitCompiler with({ {}, { scratch_ } });
    auto factory = with.compile(file);
    ASSERT_TRUE(factory) << factory.error().message;
    EXPECT_EQ(render(*instance(factory.value()), {}, 16)[0][15], 0.5f);
}

TEST_F(Jit, BuiltinSourceMatchesTheAheadOfTimeBuild)
{
    JitCompiler jit({ {}, { BACKLINE_SOURCE_DIR "/faust/lib" } });
    auto factory = jit.compile(BACKLINE_SOURCE_DIR "/faust/sources/tone.dsp");
    ASSERT_TRUE(factory) << factory.error().message;
    auto jitTone = instance(factory.value());
    auto aotTone = builtin("tone");
    const auto a = render(*jitTone, {}, frames(0.5))[0];
    const auto b = render(*aotTone, {}, frames(0.5))[0];
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::fabs(double(a[i]) - double(b[i])));
    EXPECT_LT(worst, 1e-5);
}

TEST_F(Jit, CompilersOnSeveralThreadsDoNotTrip)
{
    std::vector<fs::path> files;
    for (int i = 0; i < 4; ++i)
        files.push_back(write("tone" + std::to_string(i) + ".dsp", withAmp("0." + std::to_string(i + 1))));
    std::vector<std::thread> threads;
    std::vector<int> ok(files.size(), 0);
    for (std::size_t i = 0; i < files.size(); ++i) {
        threads.emplace_back([&, i] {
            JitCompiler jit(cached());
            for (int round = 0; round < 2; ++round) {
                auto factory = jit.compile(files[i]);
                if (factory && factory.value()->instantiate(testSampleRate))
                    ++ok[i];
            }
        });
    }
    for (auto& t : threads)
        t.join();
    EXPECT_EQ(ok, std::vector<int>(files.size(), 2));
}

TEST(JitPaths, FaustLibraryDirHoldsStdfaust)
{
    EXPECT_TRUE(fs::exists(JitCompiler::faustLibraryDir() / "stdfaust.lib")) << JitCompiler::faustLibraryDir();
}

TEST(JitPaths, EnvironmentOverridesTheFaustLibraryDir)
{
    ::setenv("BACKLINE_FAUST_LIB_DIR", "/opt/faust-libs", 1);
    EXPECT_EQ(JitCompiler::faustLibraryDir(), fs::path("/opt/faust-libs"));
    ::unsetenv("BACKLINE_FAUST_LIB_DIR");
    EXPECT_NE(JitCompiler::faustLibraryDir(), fs::path("/opt/faust-libs"));
}

TEST(JitPaths, DefaultCacheDirFollowsXdg)
{
    const char* old = std::getenv("XDG_CACHE_HOME");
    const std::string saved = old ? old : "";
    ::setenv("XDG_CACHE_HOME", "/tmp/xdg-cache", 1);
    EXPECT_EQ(JitCompiler::defaultCacheDir(), fs::path("/tmp/xdg-cache/backline/faust"));
    if (old)
        ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
    else
        ::unsetenv("XDG_CACHE_HOME");
    EXPECT_EQ(JitCompiler::defaultCacheDir().filename(), "faust");
}
