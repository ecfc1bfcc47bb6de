# SPDX-License-Identifier: GPL-3.0-or-later
# Ahead-of-time Faust: each built-in .dsp in faust/ becomes a C++ class at build time.
find_program(FAUST_EXECUTABLE faust REQUIRED)
# The folder of Faust's .lib files (stdfaust.lib): --dspdir; --libdir is the binary libraries' folder.
execute_process(COMMAND ${FAUST_EXECUTABLE} --dspdir OUTPUT_VARIABLE FAUST_LIB_DIR OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT EXISTS ${FAUST_LIB_DIR}/stdfaust.lib)
    message(FATAL_ERROR "Faust's libraries (stdfaust.lib) are not in ${FAUST_LIB_DIR}")
endif()
execute_process(COMMAND ${FAUST_EXECUTABLE} --version OUTPUT_VARIABLE _faust_version_text)
string(REGEX MATCH "[0-9]+\\.[0-9]+\\.[0-9]+" FAUST_VERSION "${_faust_version_text}")
message(STATUS "Faust ${FAUST_VERSION}, libraries in ${FAUST_LIB_DIR}")

# Code generation flags shared with the JIT (daemon/faust/JitCompiler.cpp, codegenOptions):
# flush denormals in every recursion so decaying tails never cost CPU; every delay line a ring
# buffer, never a chain of copies (-mcd 0: 6-31 % faster on every built-in, the same bits;
# scripts/bench-faust, docs/BENCHMARKS.md).
set(BACKLINE_FAUST_CODEGEN_OPTIONS -ftz 2 -mcd 0)

# backline_faust_aot(TARGET target NAME name DSP file.dsp)
# Compiles file.dsp into class `name` and records it for the built-in catalogue of TARGET.
function(backline_faust_aot)
    cmake_parse_arguments(ARG "" "TARGET;NAME;DSP" "" ${ARGN})
    set(arch ${PROJECT_SOURCE_DIR}/faust/arch/backline-aot.cpp)
    set(out ${CMAKE_CURRENT_BINARY_DIR}/faustgen/${ARG_NAME}.cpp)
    file(GLOB faust_lib_sources ${PROJECT_SOURCE_DIR}/faust/lib/*.lib)
    add_custom_command(
        OUTPUT ${out}
        COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_CURRENT_BINARY_DIR}/faustgen
        COMMAND ${FAUST_EXECUTABLE} -a ${arch} -cn ${ARG_NAME} ${BACKLINE_FAUST_CODEGEN_OPTIONS}
                -I ${PROJECT_SOURCE_DIR}/faust/lib
                -I ${FAUST_LIB_DIR} -o ${out} ${ARG_DSP}
        DEPENDS ${ARG_DSP} ${arch} ${faust_lib_sources}
        WORKING_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}
        COMMENT "Faust: ${ARG_DSP} -> ${ARG_NAME}"
        VERBATIM)
    target_sources(${ARG_TARGET} PRIVATE ${out})
    set_property(TARGET ${ARG_TARGET} APPEND PROPERTY BACKLINE_FAUST_NAMES ${ARG_NAME})
    set_property(TARGET ${ARG_TARGET} APPEND PROPERTY BACKLINE_FAUST_SOURCES ${ARG_DSP})
endfunction()

# backline_faust_catalog(TARGET target): writes the table that maps built-in names to constructors.
function(backline_faust_catalog)
    cmake_parse_arguments(ARG "" "TARGET" "" ${ARGN})
    get_property(names TARGET ${ARG_TARGET} PROPERTY BACKLINE_FAUST_NAMES)
    set(BACKLINE_FAUST_DECLS "")
    set(BACKLINE_FAUST_ENTRIES "")
    foreach(n IN LISTS names)
        string(APPEND BACKLINE_FAUST_DECLS "std::unique_ptr<::dsp> backline_make_${n}();\n")
        string(APPEND BACKLINE_FAUST_ENTRIES "    { \"${n}\", &backline_make_${n} },\n")
    endforeach()
    set(out ${CMAKE_CURRENT_BINARY_DIR}/faustgen/BuiltinCatalog.cpp)
    configure_file(${PROJECT_SOURCE_DIR}/faust/arch/BuiltinCatalog.cpp.in ${out} @ONLY)
    target_sources(${ARG_TARGET} PRIVATE ${out})
endfunction()
