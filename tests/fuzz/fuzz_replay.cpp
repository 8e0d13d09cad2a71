// The normal build's stand-in for libFuzzer's main(): feeds every file of the directories (or the
// files) it is given to the target's LLVMFuzzerTestOneInput once, in name order, so the seed corpus
// and every input a fuzzer run turned into a regression file are replayed by ctest. A crash or a
// failed check ends the process like the fuzzer's would; a missing directory or no input at all is a
// failure too, so a test that replays nothing cannot pass.

#include "fuzz_support.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char** argv)
{
    std::vector<fs::path> inputs;
    for (int k = 1; k < argc; ++k) {
        const fs::path path(argv[k]);
        if (fs::is_regular_file(path)) {
            inputs.push_back(path);
            continue;
        }
        if (!fs::is_directory(path)) {
            std::cerr << path.string() << ": no such file or directory\n";
            return 1;
        }
        std::vector<fs::path> files;
        for (const fs::directory_entry& entry : fs::directory_iterator(path)) {
            if (entry.is_regular_file())
                files.push_back(entry.path());
        }
        std::sort(files.begin(), files.end());
        inputs.insert(inputs.end(), files.begin(), files.end());
    }
    if (inputs.empty()) {
        std::cerr << "no inputs to replay\n";
        return 1;
    }
    for (const fs::path& input : inputs) {
        std::ifstream file(input, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        if (!file.good() && !file.eof()) {
            std::cerr << input.string() << ": cannot read\n";
            return 1;
        }
        std::cout << "replaying " << input.string() << " (" << bytes.size() << " bytes)" << std::endl;
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::cout << "replayed " << inputs.size() << " inputs" << std::endl;
    return 0;
}
