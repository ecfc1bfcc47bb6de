# SPDX-License-Identifier: GPL-3.0-or-later
# backline_warnings(target): the project's warning set, errors in CI.
add_library(backline_warnings INTERFACE)
target_compile_options(backline_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 20)
    target_compile_options(backline_warnings INTERFACE -Wfunction-effects)
endif()
# clang >= 22 calls __COUNTER__ a C2y extension under -Wpedantic; Google Benchmark's BENCHMARK()
# macro expands to it. clang also flags C99 compound literals, which liblo's API macros
# (LO_TT_IMMEDIATE) expand to; gcc accepts both quietly.
include(CheckCXXCompilerFlag)
check_cxx_compiler_flag(-Wc2y-extensions BACKLINE_HAS_WC2Y_EXTENSIONS)
if(BACKLINE_HAS_WC2Y_EXTENSIONS)
    target_compile_options(backline_warnings INTERFACE -Wno-c2y-extensions)
endif()
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(backline_warnings INTERFACE -Wno-c99-extensions)
endif()
if(BACKLINE_WERROR)
    target_compile_options(backline_warnings INTERFACE -Werror)
endif()
