# SPDX-License-Identifier: GPL-3.0-or-later
# backline_warnings(target): the project's warning set, errors in CI.
add_library(backline_warnings INTERFACE)
target_compile_options(backline_warnings INTERFACE -Wall -Wextra -Wpedantic -Wshadow)
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 20)
    target_compile_options(backline_warnings INTERFACE -Wfunction-effects)
endif()
if(BACKLINE_WERROR)
    target_compile_options(backline_warnings INTERFACE -Werror)
endif()
