// SPDX-License-Identifier: GPL-3.0-or-later
#include "Harness.h"

#include <jack/midiport.h>

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <atomic>
#include <cmath>
#include <csignal>
#include <ctime>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <iterator>
#include <netinet/in.h>
#include <mutex>
#include <random>
#include <set>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/file.h>
#include <sys/statvfs.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer) || __has_feature(realtime_sanitizer)
#include <sanitizer/common_interface_defs.h>
#define BACKLINE_TEST_SANITIZED 1
#endif
#endif

namespace backline::test {

namespace {

std::string uniqueName(const std::string& prefix)
{
    static std::atomic<int> counter {0};
    std::random_device rd;
    return prefix + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" + std::to_string(rd() % 100000);
}

/// An argument's value: liblo's lo_arg pointers are only 4-byte aligned (OSC's alignment), so
/// reading a member through them is undefined behaviour (UBSan says so); copy the bytes instead.
template <typename T>
T argValue(const lo_arg* arg)
{
    T value;
    std::memcpy(&value, reinterpret_cast<const char*>(arg), sizeof value);
    return value;
}

/// Children not yet reaped. A test process that a sanitizer kills runs no destructors: its
/// jackd and backlined would live on, and enough orphaned jackd make every later test fail
/// with "Too many servers already active".
std::mutex childrenMutex;
std::set<pid_t> children;

void rememberChild(pid_t pid)
{
    std::lock_guard lock(childrenMutex);
    children.insert(pid);
#if defined(BACKLINE_TEST_SANITIZED)
    static std::once_flag once;
    std::call_once(once, [] {
        // The process is dying: no locks, just signals.
        __sanitizer_set_death_callback([] {
            for (pid_t child : children)
                ::kill(child, SIGKILL);
        });
    });
#endif
}

void forgetChild(pid_t pid)
{
    std::lock_guard lock(childrenMutex);
    children.erase(pid);
}

} // namespace

Process::Process(std::vector<std::string> argv, std::filesystem::path logFile)
    : log_(std::move(logFile))
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    std::vector<char*> args;
    for (auto& a : argv)
        args.push_back(a.data());
    args.push_back(nullptr);
    const int rc = posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    rememberChild(pid_);
}

Process::~Process()
{
    if (running()) {
        signal(SIGTERM);
        if (!wait(std::chrono::milliseconds(3000))) {
            signal(SIGKILL);
            wait(std::chrono::milliseconds(3000));
        }
    }
}

void Process::signal(int sig)
{
    if (pid_ > 0 && !status_)
        ::kill(pid_, sig);
}

std::optional<int> Process::wait(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!status_) {
        int status = 0;
        const pid_t r = waitpid(pid_, &status, WNOHANG);
        if (r == pid_) {
            forgetChild(pid_);
            status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline)
            return std::nullopt;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return status_;
}

bool Process::running()
{
    return pid_ > 0 && !wait(std::chrono::milliseconds(0));
}

std::string Process::output() const
{
    std::ifstream in(log_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

namespace {

/// JACK puts each server's engine and port buffers in one POSIX shared-memory segment under
/// /dev/shm, touched whole at start: about 42 MB with --port-max 128 (107 MB with the default
/// 2048). Where /dev/shm is small (64 MB in many containers) a second server, or a default-sized
/// first one, dies of SIGBUS before it answers. So each test's server holds one of N slots for
/// its whole life, N being what /dev/shm can hold: flock'ed files, so a slot comes free even
/// when a sanitizer kills the test process, and the next jackd reclaims the dead one's segment.
constexpr int kPortMax = 128;
constexpr std::uintmax_t kServerShmBytes = 48ull << 20;
constexpr int kMaxSlots = 8;

int shmSlots()
{
    struct statvfs fs {};
    if (statvfs("/dev/shm", &fs) != 0)
        return 1;
    const std::uintmax_t total = std::uintmax_t(fs.f_blocks) * fs.f_frsize;
    return std::clamp(int(total / kServerShmBytes), 1, kMaxSlots);
}

/// Takes a free slot: its flock'ed file's descriptor, and its number.
std::pair<int, int> takeShmSlot()
{
    const int slots = shmSlots();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(240);
    for (;;) {
        for (int i = 0; i < slots; ++i) {
            // In /dev/shm, where JACK's registry is: machine-wide whatever TMPDIR a test has.
            const auto path = std::filesystem::path("/dev/shm") / ("backline-jackd-slot-" + std::to_string(i));
            const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
            if (fd < 0)
                continue;
            if (flock(fd, LOCK_EX | LOCK_NB) == 0)
                return {fd, i};
            ::close(fd);
        }
        if (std::chrono::steady_clock::now() > deadline)
            throw std::runtime_error("no JACK server slot came free in 240 s (/dev/shm holds "
                + std::to_string(slots) + " test servers at a time)");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

/// Processes left running with name among their arguments — a slot's jackd and the backlined
/// on it, orphaned when their test process was killed outright — are ended: holding the slot's
/// lock, no live test can own them, and a stray server by the slot's name would take the next
/// test's clients (its own jackd could not start).
void endStrays(const std::string& name)
{
    std::vector<pid_t> strays;
    std::error_code ec; // processes come and go while /proc is read
    for (auto it = std::filesystem::directory_iterator("/proc", ec); !ec && it != std::filesystem::directory_iterator();
         it.increment(ec)) {
        const auto& entry = *it;
        const std::string pidText = entry.path().filename().string();
        if (pidText.find_first_not_of("0123456789") != std::string::npos)
            continue;
        const auto pid = pid_t(std::stol(pidText));
        if (pid == getpid())
            continue;
        std::ifstream in(entry.path() / "cmdline", std::ios::binary);
        std::string arg;
        while (std::getline(in, arg, '\0'))
            if (arg == name) {
                strays.push_back(pid);
                break;
            }
    }
    for (const pid_t pid : strays) {
        std::fprintf(stderr, "ending pid %d, left running on %s by a test that was killed\n", int(pid), name.c_str());
        ::kill(pid, SIGKILL);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    for (const pid_t pid : strays) {
        // Gone, or a zombie its parent has yet to reap (it holds nothing then).
        for (;;) {
            std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
            std::string line;
            if (!std::getline(stat, line) || line.find(") Z ") != std::string::npos
                || std::chrono::steady_clock::now() > deadline)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }
}

std::string shmReport()
{
    struct statvfs fs {};
    if (statvfs("/dev/shm", &fs) != 0)
        return "/dev/shm: " + std::string(std::strerror(errno));
    const auto mb = [&](auto blocks) { return std::to_string(std::uintmax_t(blocks) * fs.f_frsize >> 20); };
    return "/dev/shm: " + mb(fs.f_bavail) + " MB free of " + mb(fs.f_blocks) + " MB";
}

} // namespace

JackServer::JackServer(int sampleRate, int period, Scheduling scheduling)
    : sampleRate_(sampleRate)
    , period_(period)
    , scheduling_(scheduling)
{
    // Named after its slot, which it holds alone for its whole life: JACK's server registry
    // (8 entries) frees a dead server's entry only for a new server of the same name, so a
    // jackd killed outright (CTest's timeout kills a test and its servers with SIGKILL) leaves
    // an entry the slot's next server takes over. Names unique per test process used to pile
    // such entries up until no jackd could start ("Too many servers already active").
    const auto [fd, index] = takeShmSlot();
    slot_.fd = fd;
    name_ = "bltest-slot" + std::to_string(index);
    endStrays(name_);
    start();
}

JackServer::JackServer(std::vector<std::string> driver, Scheduling scheduling)
    : sampleRate_(48000)
    , period_(128)
    , scheduling_(scheduling)
    , driver_(std::move(driver))
{
    const auto [fd, index] = takeShmSlot();
    slot_.fd = fd;
    name_ = "bltest-slot" + std::to_string(index);
    endStrays(name_);
    start();
}

void JackServer::start()
{
    // jackd servers starting at the same moment race on JACK's shared-memory registry (seen as
    // "communication error with the server"): start them one at a time across test processes.
    const int lockFd = ::open("/dev/shm/backline-jackd-start.lock",
        O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    flock(lockFd, LOCK_EX);
    struct Unlock {
        int fd;
        ~Unlock()
        {
            flock(fd, LOCK_UN);
            ::close(fd);
        }
    } unlock {lockFd};
    // The dummy driver's default wait only fits 1024 frames: give it the period in µs.
    const int waitUs = int(1e6 * period_ / sampleRate_);
    // A jackd may die at start for reasons of the moment on a loaded machine (seen under the
    // sanitizer stages: "JackMessageBuffer::Create cannot start thread", SIGSEGV): try again
    // before failing the test, and say so.
    constexpr int attempts = 3;
    for (int attempt = 1;; ++attempt) {
        std::vector<std::string> argv {"jackd", "-n", name_};
        if (scheduling_ == Scheduling::Realtime)
            argv.insert(argv.end(), {"-R", "-P", "70"});
        else
            argv.emplace_back("--no-realtime");
        argv.insert(argv.end(), {"--port-max", std::to_string(kPortMax), "-d"});
        if (driver_.empty())
            argv.insert(argv.end(), {"dummy", "-r", std::to_string(sampleRate_), "-p", std::to_string(period_), "-w",
                                        std::to_string(waitUs)});
        else
            argv.insert(argv.end(), driver_.begin(), driver_.end());
        process_ = std::make_unique<Process>(argv, std::filesystem::temp_directory_path() / (name_ + ".jackd.log"));
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        std::optional<int> exited;
        while (!exited && std::chrono::steady_clock::now() < deadline) {
            if ((exited = process_->wait(std::chrono::milliseconds(0))))
                break;
            jack_status_t status;
            if (jack_client_t* c = jack_client_open("probe", JackOptions(JackNoStartServer | JackServerName), &status,
                    name_.c_str())) {
                jack_client_close(c);
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        // Say it first and briefly: CI logs keep the head of a failure, and JACK's client
        // library repeats its own "cannot connect" lines until the probe gives up.
        const std::string what = exited ? "jackd exited with " + std::to_string(*exited) + " at start"
                                        : std::string("jackd did not answer in 10 s");
        std::fprintf(stderr, "backline test: %s (%s), attempt %d of %d\n", what.c_str(), shmReport().c_str(), attempt,
            attempts);
        if (attempt == attempts)
            throw std::runtime_error(what + " (" + shmReport() + "):\n" + process_->output());
        process_.reset(); // stops one that hangs
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
}

JackServer::~JackServer()
{
    // A jackd killed with SIGKILL leaves its entry in JACK's server registry (jack-shm-registry
    // in /dev/shm), which holds 8 and frees an entry only for a server of the same name: enough
    // of them and no jackd starts ("Too many servers already active"). Starting and cleanly
    // stopping one under the name takes the entry out.
    if (leftInRegistry_ && !running()) {
        try {
            start();
        } catch (const std::exception&) {
        }
    }
    process_.reset();
    std::filesystem::remove(std::filesystem::temp_directory_path() / (name_ + ".jackd.log"));
}

void JackServer::stop(int sig)
{
    if (!running())
        throw std::logic_error("JackServer::stop: jackd " + name_ + " is not running");
    process_->signal(sig);
    auto code = process_->wait(std::chrono::seconds(10));
    if (!code) {
        process_->signal(SIGKILL);
        code = process_->wait(std::chrono::seconds(10));
    }
    if (!code)
        throw std::runtime_error("jackd " + name_ + " did not exit after signal " + std::to_string(sig));
    leftInRegistry_ = *code == 128 + SIGKILL;
}

void JackServer::restart(int sampleRate)
{
    if (running())
        throw std::logic_error("JackServer::restart: jackd " + name_ + " is still running");
    if (sampleRate > 0)
        sampleRate_ = sampleRate;
    start(); // a new jackd under the same name takes over the old one's registry entry
    leftInRegistry_ = false;
}

bool JackServer::running()
{
    return process_ && process_->running();
}

JackServer::ShmSlot::~ShmSlot()
{
    ::close(fd);
}

TempDir::TempDir()
    : path_(std::filesystem::temp_directory_path() / uniqueName("backline-it-"))
{
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir()
{
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

std::filesystem::path TempDir::write(const std::string& name, const std::string& text) const
{
    const auto file = path_ / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
}

float OscMessage::number(std::size_t i) const
{
    if (i >= args.size())
        return std::nanf("");
    if (auto* f = std::get_if<float>(&args[i]))
        return *f;
    if (auto* n = std::get_if<int>(&args[i]))
        return float(*n);
    if (auto* d = std::get_if<double>(&args[i]))
        return float(*d);
    return std::nanf("");
}

std::string OscMessage::text(std::size_t i) const
{
    if (i < args.size())
        if (auto* s = std::get_if<std::string>(&args[i]))
            return *s;
    return {};
}

OscClient::OscClient(int targetPort)
{
    server_ = lo_server_new_with_proto(nullptr, LO_UDP, nullptr);
    if (!server_)
        throw std::runtime_error("cannot open an OSC client socket");
    lo_server_add_method(server_, nullptr, nullptr, &OscClient::onMessage, this);
    target_ = lo_address_new("127.0.0.1", std::to_string(targetPort).c_str());
}

OscClient::~OscClient()
{
    lo_address_free(target_);
    lo_server_free(server_);
}

int OscClient::onMessage(const char* path, const char* types, lo_arg** argv, int argc, lo_message, void* self)
{
    OscMessage m;
    m.address = path;
    m.types = types;
    for (int i = 0; i < argc; ++i) {
        switch (types[i]) {
        case LO_INT32: m.args.emplace_back(argValue<std::int32_t>(argv[i])); break;
        case LO_FLOAT: m.args.emplace_back(argValue<float>(argv[i])); break;
        case LO_DOUBLE: m.args.emplace_back(argValue<double>(argv[i])); break;
        case LO_STRING: m.args.emplace_back(std::string(reinterpret_cast<const char*>(argv[i]))); break;
        default: m.args.emplace_back(std::string("?"));
        }
    }
    static_cast<OscClient*>(self)->inbox_.push_back(std::move(m));
    return 0;
}

void OscClient::send(const std::string& address, lo_message message)
{
    lo_send_message_from(target_, server_, address.c_str(), message);
    lo_message_free(message);
}

void OscClient::sendFloat(const std::string& address, float value)
{
    lo_message m = lo_message_new();
    lo_message_add_float(m, value);
    send(address, m);
}

void OscClient::sendBundle(const std::vector<std::pair<std::string, lo_message>>& messages)
{
    lo_bundle bundle = lo_bundle_new(LO_TT_IMMEDIATE);
    for (const auto& [address, message] : messages)
        lo_bundle_add_message(bundle, address.c_str(), message);
    lo_send_bundle_from(target_, server_, bundle);
    // The bundle holds a counted reference to each message and its own copy of each address:
    // freeing it recursively frees all of them (lo_bundle_free would leak the addresses).
    lo_bundle_free_recursive(bundle);
}

std::optional<OscMessage> OscClient::receive(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (inbox_.empty()) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        lo_server_recv_noblock(server_, int(std::min<long>(left.count(), 50)));
    }
    OscMessage m = std::move(inbox_.front());
    inbox_.erase(inbox_.begin());
    return m;
}

std::optional<OscMessage> OscClient::receiveAddress(const std::string& address, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            return std::nullopt;
        if (auto m = receive(left); m && m->address == address)
            return m;
    }
}

std::optional<OscMessage> OscClient::request(const std::string& address, std::chrono::milliseconds timeout)
{
    send(address);
    // waitForPong pings every 200 ms until one /pong comes back: on a busy machine more of them
    // are answered, late, and one must not pass for this request's reply.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        auto m = receive(std::max(left, std::chrono::milliseconds(0)));
        if (!m || m->address != "/pong" || address == "/ping")
            return m;
    }
}

bool OscClient::waitForPong(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        send("/ping");
        if (auto m = receive(std::chrono::milliseconds(200)); m && m->address == "/pong")
            return true;
    }
    return false;
}

JackListener::JackListener(const std::string& server, const std::string& left, const std::string& right)
{
    // Opening a client is a request the server answers within its own timeout; on a loaded
    // machine (and beside another test's jackd) an answer can come too late, once in a few
    // hundred opens. The open is set-up, not what a test measures: it is tried again, at most
    // five times, and a server that refuses them all fails the test with its status.
    jack_status_t status {};
    for (int attempt = 1; attempt <= 5 && !client_; ++attempt) {
        client_ = jack_client_open("listener", JackOptions(JackNoStartServer | JackServerName), &status, server.c_str());
        if (!client_)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (!client_)
        throw std::runtime_error(fmt::format("listener cannot open a JACK client on '{}' (status 0x{:x}, 5 tries)",
            server, unsigned(status)));
    for (int c = 0; c < 2; ++c) {
        ports_[c] = jack_port_register(client_, c == 0 ? "in_L" : "in_R", JACK_DEFAULT_AUDIO_TYPE, JackPortIsInput, 0);
        rings_[c] = jack_ringbuffer_create(sizeof(float) * 48000 * 8);
    }
    jack_set_process_callback(client_, &JackListener::onProcess, this);
    jack_set_xrun_callback(client_, &JackListener::onXrun, this);
    jack_activate(client_);
    const std::string me = jack_get_client_name(client_);
    if (jack_connect(client_, left.c_str(), (me + ":in_L").c_str()) != 0
        || jack_connect(client_, right.c_str(), (me + ":in_R").c_str()) != 0)
        throw std::runtime_error("listener cannot connect to " + left + " / " + right);
}

JackListener::~JackListener()
{
    if (freewheeling_.load())
        jack_set_freewheel(client_, 0);
    jack_deactivate(client_);
    jack_client_close(client_);
    for (auto* r : rings_)
        jack_ringbuffer_free(r);
}

int JackListener::onXrun(void* self)
{
    static_cast<JackListener*>(self)->xruns_.fetch_add(1, std::memory_order_relaxed); // a statistic
    return 0;
}

int JackListener::onProcess(jack_nframes_t n, void* self)
{
    auto& l = *static_cast<JackListener*>(self);
    const float* in[2];
    for (int c = 0; c < 2; ++c)
        in[c] = static_cast<const float*>(jack_port_get_buffer(l.ports_[c], n));
    // Whole blocks into both rings or into neither: a ring nobody has read for its 8 s is full,
    // and a partial write (its free space is any number of bytes) would shift the stream off
    // the float boundaries for good — garbage samples, NaNs among them, in every later capture
    // (seen once under heavy load in OscRobustness's flood test).
    const std::size_t bytes = n * sizeof(float);
    if (jack_ringbuffer_write_space(l.rings_[0]) >= bytes && jack_ringbuffer_write_space(l.rings_[1]) >= bytes)
        for (int c = 0; c < 2; ++c)
            jack_ringbuffer_write(l.rings_[c], reinterpret_cast<const char*>(in[c]), bytes);
    // A MIDI output's buffer must be cleared every cycle; in the capture's first, it is played.
    if (l.midiOut_) {
        void* midi = jack_port_get_buffer(l.midiOut_, n);
        jack_midi_clear_buffer(midi);
        if (l.capturing_.load(std::memory_order_acquire) && !l.midiSent_) {
            for (const auto& event : l.midiToSend_)
                if (event.offset < n)
                    jack_midi_event_write(midi, event.offset, event.bytes.data(), event.bytes.size());
            l.midiSent_ = true;
        }
    }
    // Only cycles run freewheeling are captured: JACK waits for every client in those, so no
    // block is dropped or repeated, whatever the machine's load.
    if (l.capturing_.load(std::memory_order_acquire)) {
        std::size_t got = l.freewheelGot_.load(std::memory_order_relaxed);
        jack_nframes_t from = 0;
        if (l.freewheelSkip_ > 0) {
            from = jack_nframes_t(std::min<std::size_t>(l.freewheelSkip_, n));
            l.freewheelSkip_ -= from;
        }
        const std::size_t take = std::min<std::size_t>(l.freewheelWant_ - got, n - from);
        for (int c = 0; c < 2; ++c)
            std::memcpy(l.freewheelOut_[c].data() + got, in[c] + from, take * sizeof(float));
        l.freewheelGot_.store(got + take, std::memory_order_release); // publishes the samples to captureFreewheeling()
    }
    timespec now {};
    clock_gettime(CLOCK_MONOTONIC, &now);
    const std::int64_t nowNs = std::int64_t(now.tv_sec) * 1000000000LL + now.tv_nsec;
    // JACK's frame timer is the server's: a listener running late reads a later cycle's
    // (jack::CycleLag, as backlined does), so the frame of the cycle processed comes from this
    // client's own count.
    l.cycleLag_.lag(jack_last_frame_time(l.client_), l.framesRun_, 48000);
    const jack_nframes_t cycleFrame = l.cycleLag_.jackFrame(l.framesRun_);
    l.framesRun_ += n;
    if (l.watching_.load(std::memory_order_acquire) && !l.changed_.load(std::memory_order_relaxed)) {
        if (l.lastCallbackNs_ != 0)
            l.longestGapNs_ = std::max(l.longestGapNs_, nowNs - l.lastCallbackNs_);
        const float reference = l.reference_.load(std::memory_order_relaxed);
        const float threshold = l.threshold_.load(std::memory_order_relaxed);
        for (jack_nframes_t i = 0; i < n; ++i) {
            if (std::fabs(in[0][i] - reference) > threshold) {
                l.change_.frame = cycleFrame + i;
                l.change_.cycleFrame = cycleFrame;
                // JACK's transport is the same for every client of a cycle (it may be queried
                // in the process callback): with backlined leading or following it, it is
                // backlined's transport too.
                jack_position_t position {};
                const bool rolling = jack_transport_query(l.client_, &position) == JackTransportRolling;
                l.change_.transportFrame = rolling ? std::int64_t(position.frame) + std::int64_t(i) : -1;
                l.change_.callbackNs = nowNs;
                l.change_.longestGapNs = l.longestGapNs_;
                l.changed_.store(true, std::memory_order_release); // publishes change_ to waitForChange()
                break;
            }
        }
    } else {
        l.longestGapNs_ = 0;
    }
    l.lastCallbackNs_ = nowNs;
    l.framesSeen_.fetch_add(n, std::memory_order_relaxed);
    l.cyclesRun_.fetch_add(1, std::memory_order_relaxed);
    return 0;
}

void JackListener::watchForChange(float reference, float threshold)
{
    watching_.store(false, std::memory_order_relaxed);
    // A callback that saw the last watch may still be running: let it finish before the audio
    // thread's fields are reset.
    waitCycles(1);
    changed_.store(false, std::memory_order_relaxed);
    reference_.store(reference, std::memory_order_relaxed);
    threshold_.store(threshold, std::memory_order_relaxed);
    watching_.store(true, std::memory_order_release); // pairs with onProcess's acquire
}

std::optional<JackListener::Change> JackListener::waitForChange(std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!changed_.load(std::memory_order_acquire)) {
        if (std::chrono::steady_clock::now() >= deadline) {
            watching_.store(false, std::memory_order_relaxed);
            return std::nullopt;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    watching_.store(false, std::memory_order_relaxed);
    return change_;
}

bool JackListener::waitCycles(int n, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    const std::uint64_t until = cyclesRun_.load(std::memory_order_relaxed) + std::uint64_t(n);
    while (cyclesRun_.load(std::memory_order_relaxed) < until) {
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
}

std::pair<std::vector<float>, std::vector<float>> JackListener::capture(std::chrono::milliseconds duration)
{
    const std::size_t frames = std::size_t(duration.count()) * jack_get_sample_rate(client_) / 1000;
    const std::size_t bytes = frames * sizeof(float);
    if (bytes >= jack_ringbuffer_write_space(rings_[0]) + jack_ringbuffer_read_space(rings_[0]))
        throw std::logic_error("JackListener::capture: longer than the listener's ring");
    // The audio thread writes the left ring, then the right: reading (and skipping) the same
    // number of bytes from both keeps the channels on the same frames.
    const auto both = [&] { return std::min(jack_ringbuffer_read_space(rings_[0]), jack_ringbuffer_read_space(rings_[1])); };
    const std::size_t stale = both() / sizeof(float) * sizeof(float);
    for (auto* r : rings_)
        jack_ringbuffer_read_advance(r, stale);
    // JACK's frames, not the wall clock's: a starved dummy driver brings them late, not fewer.
    const auto deadline = std::chrono::steady_clock::now() + duration + std::chrono::seconds(10);
    while (both() < bytes && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    const std::size_t take = std::min(both(), bytes) / sizeof(float) * sizeof(float);
    std::vector<float> out[2];
    for (int c = 0; c < 2; ++c) {
        out[c].resize(take / sizeof(float));
        jack_ringbuffer_read(rings_[c], reinterpret_cast<char*>(out[c].data()), take);
    }
    return {std::move(out[0]), std::move(out[1])};
}

std::pair<std::vector<float>, std::vector<float>> JackListener::captureFreewheeling(std::size_t frames, std::size_t skip)
{
    for (auto& out : freewheelOut_)
        out.assign(frames, 0.0f);
    freewheelWant_ = frames;
    freewheelSkip_ = skip;
    freewheelGot_.store(0, std::memory_order_relaxed);
    // jack_set_freewheel returns once the server has stopped its driver and started
    // freewheeling; the cycle this client may still be in is the driver's last, so the capture
    // starts two cycles later. (JACK's freewheel callback is no gate: it comes through the
    // client's notification thread, which a busy machine can hold back while JACK runs
    // minutes of audio.)
    if (jack_set_freewheel(client_, 1) != 0)
        throw std::runtime_error("JackListener: JACK refused to freewheel");
    freewheeling_.store(true, std::memory_order_relaxed);
    waitCycles(2);
    capturing_.store(true, std::memory_order_release); // publishes the fields above to onProcess
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (freewheelGot_.load(std::memory_order_acquire) < frames && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    capturing_.store(false, std::memory_order_relaxed);
    jack_set_freewheel(client_, 0);
    freewheeling_.store(false, std::memory_order_relaxed);
    // The audio thread may still be in the cycle that saw capturing_: let it leave.
    waitCycles(2);
    const std::size_t got = freewheelGot_.load(std::memory_order_acquire);
    if (got < frames)
        throw std::runtime_error("JackListener: freewheeling brought " + std::to_string(got) + " of "
            + std::to_string(frames) + " frames in 60 s");
    return {std::move(freewheelOut_[0]), std::move(freewheelOut_[1])};
}

void JackListener::addMidiOutput(const std::string& to)
{
    midiOut_ = jack_port_register(client_, "midi_out", JACK_DEFAULT_MIDI_TYPE, JackPortIsOutput, 0);
    const std::string me = jack_get_client_name(client_);
    if (!midiOut_ || jack_connect(client_, (me + ":midi_out").c_str(), to.c_str()) != 0)
        throw std::runtime_error("listener cannot connect a MIDI output to " + to);
}

std::pair<std::vector<float>, std::vector<float>> JackListener::captureFreewheeling(std::size_t frames,
    std::vector<MidiAt> midi)
{
    if (!midiOut_)
        throw std::runtime_error("JackListener: no MIDI output (addMidiOutput)");
    midiToSend_ = std::move(midi);
    midiSent_ = false; // read by the audio thread only once capturing_ is set (release)
    return captureFreewheeling(frames, 0);
}

std::string sanitizerReport(const std::string& output)
{
    for (const char* marker : {"ERROR: RealtimeSanitizer", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
             "runtime error:"}) {
        const auto at = output.find(marker);
        if (at == std::string::npos)
            continue;
        const auto begin = output.rfind('\n', at);
        const auto start = begin == std::string::npos ? 0 : begin + 1;
        return output.substr(start, output.find('\n', at) - start);
    }
    return {};
}

namespace {

/// Field `field` (1-based, as in proc(5)) of the stat line of the thread of pid named name.
std::optional<long> threadStatField(pid_t pid, const std::string& name, int field)
{
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        std::ifstream in(task.path() / "stat");
        const std::string stat((std::istreambuf_iterator<char>(in)), {});
        const auto open = stat.find('(');
        const auto close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos || stat.substr(open + 1, close - open - 1) != name)
            continue;
        std::istringstream fields(stat.substr(close + 2)); // from field 3 (state) on
        std::string value;
        for (int i = 3; i <= field && fields >> value; ++i) {
        }
        return std::stol(value);
    }
    return std::nullopt;
}

} // namespace

std::optional<long> threadMinorFaults(pid_t pid, const std::string& name)
{
    return threadStatField(pid, name, 10);
}

std::optional<int> threadPolicy(pid_t pid, const std::string& name)
{
    const auto policy = threadStatField(pid, name, 41);
    return policy ? std::optional<int>(int(*policy)) : std::nullopt;
}

std::string threadStates(pid_t pid)
{
    std::string out;
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
        auto read = [&](const char* file) {
            std::ifstream in(task.path() / file);
            std::string text((std::istreambuf_iterator<char>(in)), {});
            while (!text.empty() && text.back() == '\n')
                text.pop_back();
            return text;
        };
        const std::string stat = read("stat");
        const auto close = stat.rfind(')');
        const auto open = stat.find('(');
        if (open == std::string::npos || close == std::string::npos || close + 2 >= stat.size())
            continue;
        out += "  " + stat.substr(open + 1, close - open - 1) + " " + stat.substr(close + 2, 1) + " in "
            + read("wchan") + "\n";
    }
    return out.empty() ? "  (no such process)\n" : out;
}

std::filesystem::path backlinedPath()
{
    return std::filesystem::path(BACKLINE_BINARY_DIR) / "daemon" / "app" / "backlined";
}

namespace {

// Binding the wildcard address is what backlined does, so that is the test of "free".
bool canBind(int family, int type, int port)
{
    const int fd = socket(family, type, 0);
    if (fd < 0)
        return family == AF_INET6 && errno == EAFNOSUPPORT; // no IPv6 here: backlined binds IPv4 only
    int on = 1;
    if (type == SOCK_STREAM)
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on); // as liblo does: TIME_WAIT is no conflict
    bool ok;
    if (family == AF_INET6) {
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
        sockaddr_in6 addr {};
        addr.sin6_family = AF_INET6;
        addr.sin6_addr = in6addr_any;
        addr.sin6_port = htons(static_cast<std::uint16_t>(port));
        ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    } else {
        sockaddr_in addr {};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_ANY);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        ok = bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    }
    close(fd);
    return ok;
}

} // namespace

int freeOscPort()
{
    // Below the kernel's ephemeral range (32768 and up): a port the kernel handed us would be
    // free for UDP yet could be taken for TCP by any outgoing connection a moment later, which
    // is how CI once saw "TCP port … is in use". Random, so parallel tests rarely collide.
    static std::mt19937 pick(std::random_device {}() ^ static_cast<unsigned>(getpid()));
    std::uniform_int_distribution<int> range(20000, 32000);
    for (int attempt = 0; attempt < 500; ++attempt) {
        const int port = range(pick);
        if (canBind(AF_INET, SOCK_DGRAM, port) && canBind(AF_INET, SOCK_STREAM, port)
            && canBind(AF_INET6, SOCK_DGRAM, port) && canBind(AF_INET6, SOCK_STREAM, port))
            return port;
    }
    throw std::runtime_error("no free port for OSC between 20000 and 32000 (UDP and TCP, IPv4 and IPv6)");
}

Holdings holdingsOf(pid_t pid)
{
    namespace fs = std::filesystem;
    const fs::path proc = fs::path("/proc") / std::to_string(pid);
    Holdings h;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(proc / "task"))
        ++h.threads;
    for ([[maybe_unused]] const auto& entry : fs::directory_iterator(proc / "fd"))
        ++h.files;
    std::set<std::string> shm;
    std::ifstream maps(proc / "maps");
    for (std::string line; std::getline(maps, line);)
        if (const auto at = line.find("/dev/shm/"); at != std::string::npos)
            shm.insert(line.substr(at));
    h.sharedMemory = shm.size();
    std::ifstream status(proc / "status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("VmRSS:", 0) == 0)
            h.rssKb = std::stoul(line.substr(6));
    return h;
}

} // namespace backline::test
