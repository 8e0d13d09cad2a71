# Writes a C++ header holding Python source files as string constants, so the embedded `leakscope`
# module needs no file beside the binary. Run as `cmake -DOUTPUT=... -DINPUTS="a.py;b.py" -P`.
# Each file becomes `inline constexpr char kName[]` (from its base name in CamelCase, prefixed with
# k) with its bytes written as hexadecimal escapes, so any content survives unchanged.
set(text "#pragma once\n// Generated from Python sources by embed_python.cmake; do not edit.\n\n")
string(APPEND text "namespace leakscope::capture::embedded {\n\n")
foreach(input IN LISTS INPUTS)
    get_filename_component(base "${input}" NAME_WE)
    string(REPLACE "_" ";" parts "${base}")
    set(name "k")
    foreach(part IN LISTS parts)
        string(SUBSTRING "${part}" 0 1 first)
        string(SUBSTRING "${part}" 1 -1 rest)
        string(TOUPPER "${first}" first)
        string(APPEND name "${first}${rest}")
    endforeach()
    file(READ "${input}" hex HEX)
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${hex}")
    # Break the literal every 64 bytes (adjacent literals concatenate) to keep lines short.
    string(REGEX REPLACE "((\\\\x[0-9a-f][0-9a-f]){64})" "\\1\"\n    \"" escaped "${escaped}")
    string(APPEND text "inline constexpr char ${name}[] =\n    \"${escaped}\";\n\n")
endforeach()
string(APPEND text "} // namespace leakscope::capture::embedded\n")
file(WRITE "${OUTPUT}.tmp" "${text}")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
