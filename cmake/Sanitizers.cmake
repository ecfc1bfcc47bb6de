# SPDX-License-Identifier: GPL-3.0-or-later
# Sanitizer and fuzzing builds (see docs/RELIABILITY.md and CMakePresets.json).
#
#   BACKLINE_SANITIZE  a list of clang sanitizers applied to every target:
#                      "realtime" (RTSan: the audio thread's [[clang::nonblocking]] functions
#                      abort the process on any allocation, lock or blocking call), or
#                      "address;undefined" (ASan + UBSan, every UB report fatal).
#   BACKLINE_FUZZERS   builds the libFuzzer harnesses in tests/fuzz; every target then carries
#                      libFuzzer's coverage instrumentation (-fsanitize=fuzzer-no-link), so one
#                      ASan/UBSan build serves both the test suite and the fuzzers.
# The rtsan and asan presets build with -gline-tables-only instead of -g: a report's frames
# need only files, lines and inlined calls, and full debug information for template-heavy
# code (Beast, GoogleTest) made those builds about a third slower.
set(BACKLINE_SANITIZE "" CACHE STRING "Sanitizers for every target: realtime, or address;undefined (clang only)")
option(BACKLINE_FUZZERS "Build the libFuzzer harnesses (clang only)" OFF)

if(NOT BACKLINE_SANITIZE AND NOT BACKLINE_FUZZERS)
    return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "BACKLINE_SANITIZE and BACKLINE_FUZZERS need clang (configure with the rtsan or asan "
                        "preset, or -DCMAKE_CXX_COMPILER=clang++-22); this is ${CMAKE_CXX_COMPILER_ID}")
endif()

set(_sanitizers ${BACKLINE_SANITIZE})
if(BACKLINE_FUZZERS)
    list(APPEND _sanitizers fuzzer-no-link)
endif()
list(JOIN _sanitizers "," _sanitize_flag)
message(STATUS "Sanitizers: -fsanitize=${_sanitize_flag}")

add_compile_options(-fsanitize=${_sanitize_flag} -fno-omit-frame-pointer)
add_link_options(-fsanitize=${_sanitize_flag})

if("realtime" IN_LIST BACKLINE_SANITIZE AND ("address" IN_LIST BACKLINE_SANITIZE OR "undefined" IN_LIST BACKLINE_SANITIZE))
    message(FATAL_ERROR "RealtimeSanitizer does not combine with ASan/UBSan: use one preset for each")
endif()
if("undefined" IN_LIST BACKLINE_SANITIZE)
    # A UB report must fail the test that triggered it, not scroll past in a log.
    add_compile_options(-fno-sanitize-recover=all)
    # Faust's generated code relies on signed wrap-around (built with -fwrapv): see the list.
    add_compile_options(-fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/cmake/ubsan-ignorelist.txt)
endif()

# Where the sanitizers' run-time options live; CTest's presets and the CI scripts export them.
set(BACKLINE_SANITIZER_SUPPRESSIONS ${PROJECT_SOURCE_DIR}/tests/sanitizers)
