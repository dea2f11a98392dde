#include "theta/evm/revision.hpp"

#include <array>

namespace theta::evm {

namespace {
constexpr std::array<std::string_view, kNumRevisions> kNames = {"Istanbul", "Berlin", "London",
                                                                "Shanghai", "Cancun"};
}  // namespace

std::string_view RevisionName(Revision rev) noexcept {
  return kNames[static_cast<size_t>(rev)];
}

std::optional<Revision> ParseRevision(std::string_view name) noexcept {
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Revision>(i);
  }
  return std::nullopt;
}

}  // namespace theta::evm
