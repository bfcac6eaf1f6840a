// spamflag's flag event on the wire (man/spamflow.7, "flag event"): one JSON
// line per report, flagged, duplicate or unmatched. In the library, beside
// FlagReport, so that its keys come from the wire key table like every
// other writer's.
#pragma once
#include <string>

#include "flag/spamflag_store.hpp"

namespace spamflow {

// The event as one JSON line, newline included.
std::string flag_event_json(const FlagReport &r);

} // namespace spamflow
