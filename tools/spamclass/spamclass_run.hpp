// spamclass's read loop: JSON lines in, the same lines with "class" out.
#pragma once
#include "spamclass_options.hpp"

namespace spamflow::spamclass {

// Returns the process exit code (sysexits).
int run(const Options &opts);

} // namespace spamflow::spamclass
