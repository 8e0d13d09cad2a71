# Included by the top-level CMakeLists.txt when LEAKSCOPE_FUZZ is on: the snapshot and protocol
# libraries, instrumented for libFuzzer by the preset's flags, and the fuzz targets linked with
# libFuzzer's own main(). Everything else of the project is left out.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "LEAKSCOPE_FUZZ needs clang (libFuzzer is part of clang): use the fuzz preset")
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(PCRE2 REQUIRED IMPORTED_TARGET libpcre2-8)

add_compile_options(-Wall -Wextra -Wpedantic -Wno-missing-field-initializers)

add_subdirectory(src/snapshot)
add_subdirectory(src/protocol)
add_subdirectory(tests/fuzz)
