// The one translation unit that holds Catch2's runner; compiled once and shared by every suite.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
