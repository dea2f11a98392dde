// Locating test data. Vectors nobody here wrote live in ../shared/data beside the repository (see
// its README); the few small files CI needs from elsewhere live in tests/data, each named with its
// source.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace theta::testing {

// The shared data folder: $THETA_SHARED_DATA if set, else the path configured at build time.
std::filesystem::path SharedDataDir();

// tests/data in this repository.
std::filesystem::path RepoTestDataDir();

// Reads and parses a JSON file; fails the current test with the path on any error.
nlohmann::json LoadJson(const std::filesystem::path& path);

// Reads a whole file as bytes; fails the current test with the path on any error.
std::string ReadFile(const std::filesystem::path& path);

// Runs `command` through the shell and returns its standard output; fails the current test with the
// command, its exit status and its output unless it exits with 0.
std::string RunCommand(const std::string& command);

}  // namespace theta::testing
