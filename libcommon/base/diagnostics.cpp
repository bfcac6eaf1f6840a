#include "base/diagnostics.hpp"

#include <cstdio>
#include <string>

namespace spamflow {

namespace {
// Diagnostics quote input text; keep them one printable line.
std::string printable(std::string_view text, std::size_t max_len = 200) {
  std::string out;
  out.reserve(std::min(text.size(), max_len) + 8);
  for (unsigned char c : text.substr(0, max_len)) {
    if (c < 0x20 || c == 0x7f)
      out += '?';
    else
      out += static_cast<char>(c);
  }
  if (text.size() > max_len) out += "...";
  return out;
}
} // namespace

Diagnostics::Diagnostics(std::string program, std::uint64_t max_per_kind_printed)
    : program_(std::move(program)), max_printed_(max_per_kind_printed) {}

void Diagnostics::warn(std::string_view where, std::string_view what) {
  ++warnings_;
  if (warnings_ <= max_printed_) {
    std::fprintf(stderr, "%s: %s: %s\n", program_.c_str(), printable(where).c_str(),
                 printable(what).c_str());
    if (warnings_ == max_printed_)
      std::fprintf(stderr, "%s: further warnings are counted, not printed (see --stats)\n",
                   program_.c_str());
  }
}

void Diagnostics::error(std::string_view what) const {
  std::fprintf(stderr, "%s: %s\n", program_.c_str(), printable(what, 1000).c_str());
}

} // namespace spamflow
