// Masking unrecognised lines into shapes (see line_shapes.hpp).
#include "maillog/line_shapes.hpp"

#include <algorithm>

#include "maillog/sendmail_line.hpp"

namespace spamflow {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_host_byte(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-';
}

// Appends the token at text[i...] masked, returns the bytes it consumed.
std::size_t mask_token(std::string_view text, std::size_t i, std::string &out) {
  char c = text[i];
  std::size_t close = std::string_view::npos;
  if (c == '<') close = text.find('>', i + 1);
  if (c == '[') close = text.find(']', i + 1);
  if (close != std::string_view::npos) {
    out += c == '<' ? "<ADDR>" : "[ADDR]";
    return close + 1 - i;
  }
  if (!is_host_byte(c)) {
    // Control bytes would reach the terminal of whoever reads --stats.
    out += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    return 1;
  }
  std::size_t end = i;
  bool dot = false, letter = false, digits_only = true;
  while (end < text.size() && is_host_byte(text[end])) {
    dot |= text[end] == '.';
    letter |= !is_digit(text[end]) && text[end] != '.' && text[end] != '-';
    digits_only &= is_digit(text[end]);
    ++end;
  }
  std::string_view word = text.substr(i, end - i);
  if (digits_only) {
    out += 'N';
  } else if (dot && letter && word.back() != '.') {
    out += "HOST";
  } else {
    // A word with digits inside ("ESMTP", "8.17.1", "5.7.1") keeps its
    // letters and masks its digit runs.
    for (std::size_t k = 0; k < word.size(); ++k) {
      if (!is_digit(word[k])) {
        out += word[k];
      } else if (k == 0 || !is_digit(word[k - 1])) {
        out += 'N';
      }
    }
  }
  return end - i;
}

} // namespace

std::string line_shape(std::string_view message) {
  std::string out;
  std::size_t i = 0;
  std::size_t colon = message.find(':');
  if (colon != std::string_view::npos && looks_like_qid(message.substr(0, colon))) {
    out = "QID";
    i = colon;
  }
  while (i < message.size() && out.size() < LineShapes::kMaxShape)
    i += mask_token(message, i, out);
  if (out.size() > LineShapes::kMaxShape) out.resize(LineShapes::kMaxShape);
  return out;
}

void LineShapes::note(std::string_view message) {
  ++total_;
  std::string shape = line_shape(message);
  auto it = shapes_.find(shape);
  if (it == shapes_.end()) {
    if (shapes_.size() >= kMaxShapes) {
      ++untracked_;
      return;
    }
    it = shapes_.emplace(std::move(shape), Count{0, shapes_.size()}).first;
  }
  ++it->second.lines;
}

std::vector<std::pair<std::string, std::uint64_t>> LineShapes::top(std::size_t n) const {
  std::vector<std::pair<const std::string *, Count>> all;
  all.reserve(shapes_.size());
  for (const auto &[shape, count] : shapes_)
    all.emplace_back(&shape, count);
  std::sort(all.begin(), all.end(), [](const auto &a, const auto &b) {
    return a.second.lines != b.second.lines ? a.second.lines > b.second.lines
                                            : a.second.first_seen < b.second.first_seen;
  });
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (std::size_t k = 0; k < all.size() && k < n; ++k)
    out.emplace_back(*all[k].first, all[k].second.lines);
  return out;
}

} // namespace spamflow
