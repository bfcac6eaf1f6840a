// banwrite's ban event on the wire (man/spamflow.7, "ban event"): one JSON
// object per ban added or removed, written by the stream and by the manual
// commands. In the library, beside BanEvent, so that its keys come from the
// wire key table like every other writer's.
#pragma once
#include <string>

#include "ban/ban_policy.hpp"

namespace spamflow {

// Appends the event as one JSON object (no newline).
void append_ban_event_json(std::string &out, const BanEvent &e);

} // namespace spamflow
