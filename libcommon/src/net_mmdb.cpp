// MMDB import (stub until the tree walk lands).
#include "spamflow/net_import.hpp"

namespace spamflow {

Result<std::uint64_t> import_mmdb(const std::string &path, NetTableBuilder &, Diagnostics &) {
  return make_error(path + ": MMDB import is not available in this build");
}

} // namespace spamflow
