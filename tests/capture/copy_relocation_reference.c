/* Compiled without -fpie into an executable linked with -no-pie: taking PyDict_Type's address with
   absolute addressing makes the linker copy the type object into the executable (R_X86_64_COPY), as
   in a program that embeds Python and was built that way. */
#include <Python.h>

const void* leakscope_dict_type_as_seen_by_the_executable(void)
{
    return &PyDict_Type;
}
