#include "cli/cli.h"

int main(int argc, char** argv)
{
    return leakscope::cli::run(argc, argv);
}
