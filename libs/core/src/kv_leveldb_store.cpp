#include "theta/core/kv_store.hpp"

namespace theta {

absl::StatusOr<std::unique_ptr<KvStore>> OpenLevelDbStore(const std::string& path,
                                                          const LevelDbOptions&) {
  return absl::UnimplementedError("kv: LevelDB store not built yet (" + path + ")");
}

}  // namespace theta
