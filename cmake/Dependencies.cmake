# SPDX-License-Identifier: GPL-3.0-or-later
# Every third-party library comes from Debian's packages (scripts/setup-deps installs them).
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
pkg_check_modules(JACK REQUIRED IMPORTED_TARGET jack)
pkg_check_modules(LIBLO REQUIRED IMPORTED_TARGET liblo)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
# RtMidi: hardware MIDI ports (ALSA sequencer or JACK), used by control/midi only.
pkg_check_modules(RTMIDI REQUIRED IMPORTED_TARGET rtmidi)
find_package(yaml-cpp REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
pkg_check_modules(AVAHI REQUIRED IMPORTED_TARGET avahi-client)
pkg_check_modules(SYSTEMD REQUIRED IMPORTED_TARGET libsystemd)
# Boost.Beast and Boost.Asio (the web surface), header-only.
find_package(Boost 1.74 REQUIRED)

# readerwriterqueue is header-only; Debian ships it under /usr/include/readerwriterqueue.
find_path(READERWRITERQUEUE_INCLUDE_DIR readerwriterqueue/readerwriterqueue.h REQUIRED)
add_library(readerwriterqueue INTERFACE)
target_include_directories(readerwriterqueue SYSTEM INTERFACE ${READERWRITERQUEUE_INCLUDE_DIR})

# Debian's libfaust2 ships only the versioned library (no -dev symlink), so look for it by soname.
find_library(LIBFAUST_LIBRARY NAMES faust libfaust.so.2 REQUIRED)
find_path(FAUST_INCLUDE_DIR faust/dsp/llvm-dsp.h REQUIRED)
add_library(libfaust INTERFACE)
target_link_libraries(libfaust INTERFACE ${LIBFAUST_LIBRARY})
target_include_directories(libfaust SYSTEM INTERFACE ${FAUST_INCLUDE_DIR})
