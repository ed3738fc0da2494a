// Shared plumbing of the CLI commands: bounded stdin and the one-line failure report.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <stdexcept>
#include <string>

#include "commands.hpp"

namespace sesh::cli {

std::string read_stdin(std::size_t limit) {
    std::string text;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
        text.append(buf, static_cast<std::size_t>(std::cin.gcount()));
        if (text.size() > limit) throw std::runtime_error("input larger than " + std::to_string(limit) + " bytes");
    }
    return text;
}

void fail_with(const std::string& why) {
    std::fprintf(stderr, "sesh: %s\n", why.c_str());
    std::exit(1);
}

}  // namespace sesh::cli
