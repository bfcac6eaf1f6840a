#include "classify/pool_name.hpp"

#include <array>
#include <cstdint>
#include <cstdio>

#include "base/text_scan.hpp"

namespace spamflow {

namespace {

// A run of decimal digits in the name.
struct NumberRun {
  std::size_t begin = 0, end = 0;
  std::uint32_t value = 0; // saturates at 99999
};

std::vector<NumberRun> number_runs(std::string_view text) {
  std::vector<NumberRun> runs;
  for (std::size_t i = 0; i < text.size();) {
    if (!is_digit(text[i])) {
      ++i;
      continue;
    }
    NumberRun run{i, i, 0};
    while (i < text.size() && is_digit(text[i])) {
      if (run.value < 99999) run.value = run.value * 10 + std::uint32_t(text[i] - '0');
      ++i;
    }
    run.end = i;
    runs.push_back(run);
  }
  return runs;
}

bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f');
}
bool is_separator(char c) {
  return c == '-' || c == '.' || c == '_';
}
std::size_t run_length(const NumberRun &r) {
  return r.end - r.begin;
}

// The name up to its last two labels (at least the first label): the part a
// provider fills with customer details.
std::string_view host_part(std::string_view name) {
  std::size_t last = name.rfind('.');
  if (last == std::string_view::npos) return name;
  std::size_t second = name.rfind('.', last - 1);
  if (second == std::string_view::npos || last == 0) return name.substr(0, last);
  return name.substr(0, second);
}

using Octets = std::array<std::uint32_t, 4>;

Octets octets_of(const IpAddress &addr) {
  std::uint32_t v = addr.v4_value();
  return {v >> 24, (v >> 16) & 255, (v >> 8) & 255, v & 255};
}

bool runs_equal(const std::vector<NumberRun> &runs, std::size_t at, const std::uint32_t *want,
                std::size_t n) {
  if (at + n > runs.size()) return false;
  for (std::size_t k = 0; k < n; ++k)
    if (run_length(runs[at + k]) > 3 || runs[at + k].value != want[k]) return false;
  return true;
}

// Four octets as 3 zero-padded decimal digits each (base 10) or 2 lower-case
// hex digits each (base 16), no terminator.
void format_octets(char *out, const Octets &o, int base) {
  for (std::uint32_t v : o) {
    if (base == 10) {
      *out++ = char('0' + v / 100);
      *out++ = char('0' + v / 10 % 10);
      *out++ = char('0' + v % 10);
    } else {
      *out++ = "0123456789abcdef"[v >> 4];
      *out++ = "0123456789abcdef"[v & 15];
    }
  }
}

// The client's own address in decimal, padded or hex form; the form or "".
std::string_view find_client_address(std::string_view host, const std::vector<NumberRun> &runs,
                                     const Octets &fwd) {
  const Octets rev{fwd[3], fwd[2], fwd[1], fwd[0]};
  for (std::size_t i = 0; i < runs.size(); ++i) {
    if (runs_equal(runs, i, fwd.data(), 4)) return "decimal";
    if (runs_equal(runs, i, rev.data(), 4)) return "reversed";
  }
  bool any_twelve = false;
  for (const NumberRun &r : runs)
    any_twelve |= run_length(r) == 12;
  char buf[2][12];
  if (any_twelve) {
    format_octets(buf[0], fwd, 10);
    format_octets(buf[1], rev, 10);
    for (const NumberRun &r : runs) {
      std::string_view digits = host.substr(r.begin, run_length(r));
      if (digits == std::string_view(buf[0], 12) || digits == std::string_view(buf[1], 12))
        return "padded";
    }
  }
  format_octets(buf[0], fwd, 16);
  format_octets(buf[1], rev, 16);
  if (host.find(std::string_view(buf[0], 8)) != std::string_view::npos ||
      host.find(std::string_view(buf[1], 8)) != std::string_view::npos)
    return "hex";
  // Three octets in a row: providers often leave out the first or last one.
  for (std::size_t i = 0; i < runs.size(); ++i)
    for (std::size_t k = 0; k < 2; ++k)
      if (runs_equal(runs, i, fwd.data() + k, 3) || runs_equal(runs, i, rev.data() + k, 3))
        return "partial";
  return {};
}

bool splits_into_octets(std::string_view twelve) {
  for (std::size_t k = 0; k < 12; k += 3) {
    int v = (twelve[k] - '0') * 100 + (twelve[k + 1] - '0') * 10 + (twelve[k + 2] - '0');
    if (v > 255) return false;
  }
  return true;
}

// One or two letters, then exactly eight hex digits (three or more of them
// decimal digits, the first octet a unicast one): "p5dcc0a12", "5e0d1234".
bool looks_like_hex_address(std::string_view token) {
  std::size_t letters = 0;
  while (letters < token.size() && letters < 2 && is_alpha(token[letters]) &&
         !is_hex(token[letters]))
    ++letters;
  if (token.size() - letters != 8) return false;
  std::string_view hex = token.substr(letters);
  int digits = 0;
  for (char c : hex) {
    if (!is_hex(c)) return false;
    digits += is_digit(c);
  }
  unsigned first = 0;
  std::sscanf(std::string(hex.substr(0, 2)).c_str(), "%x", &first);
  return digits >= 3 && first >= 1 && first <= 223;
}

// Any IPv4 address written into the name; the form or "".
std::string_view find_any_address(std::string_view host, const std::vector<NumberRun> &runs) {
  for (std::size_t i = 0; i + 3 < runs.size(); ++i) {
    bool ok = true;
    for (std::size_t k = 0; k < 4 && ok; ++k) {
      const NumberRun &r = runs[i + k];
      ok = run_length(r) <= 3 && r.value <= 255;
      if (ok && k > 0) ok = r.begin == runs[i + k - 1].end + 1 && is_separator(host[r.begin - 1]);
    }
    if (ok) return "decimal";
  }
  for (const NumberRun &r : runs)
    if (run_length(r) == 12 && splits_into_octets(host.substr(r.begin, 12))) return "padded";
  for (std::size_t i = 0; i < host.size();) {
    std::size_t j = i;
    while (j < host.size() && is_alnum(host[j]))
      ++j;
    if (j > i && looks_like_hex_address(host.substr(i, j - i))) return "hex";
    i = j + 1;
  }
  return {};
}

bool word_matches(std::string_view word, std::string_view listed) {
  // Short words must match whole ("res" is not "research"); longer ones
  // may begin a compound ("dynamicip", "adslgp", "staticip", "mailout").
  if (listed.size() < 4) return word == listed;
  return word.substr(0, listed.size()) == listed;
}

} // namespace

const std::vector<std::string> &PoolNameDetector::default_pool_words() {
  static const std::vector<std::string> words{
      "dyn",     "dynamic", "dyndsl",    "dip",      "dsl",        "adsl",     "vdsl",
      "xdsl",    "sdsl",    "cable",     "catv",     "cm",         "hfc",      "pool",
      "dhcp",    "ppp",     "pppoe",     "dialup",   "dial",       "dialin",   "client",
      "clients", "broad",   "broadband", "bb",       "res",        "resnet",   "residential",
      "cpe",     "cpc",     "cust",      "customer", "user",       "users",    "home",
      "hsd",     "ftth",    "fttx",      "fttb",     "fibra",      "wireless", "wifi",
      "wlan",    "mobile",  "lte",       "nat",      "abo",        "subs",     "host",
      "ip",      "rev",     "range",     "access",   "unassigned", "unknown",  "nas",
      "pc",      "gprs",    "tdc",       "tpnet",    "red",        "kabel",    "kd",
  };
  return words;
}

const std::vector<std::string> &PoolNameDetector::default_static_words() {
  static const std::vector<std::string> words{
      "static", "fixed", "mail", "mx",  "smtp", "mta",      "relay",  "outbound",
      "server", "srv",   "ns",   "www", "web",  "exchange", "mailgw", "gateway",
  };
  return words;
}

PoolNameDetector::PoolNameDetector()
    : PoolNameDetector(default_pool_words(), default_static_words()) {}

PoolNameDetector::PoolNameDetector(std::vector<std::string> pool_words,
                                   std::vector<std::string> static_words)
    : pool_words_(std::move(pool_words)), static_words_(std::move(static_words)) {
  for (auto *list : {&pool_words_, &static_words_})
    for (std::string &w : *list)
      for (char &c : w)
        c = ascii_lower(c);
}

bool PoolNameDetector::is_pool_word(std::string_view word) const {
  for (const std::string &w : pool_words_)
    if (word_matches(word, w)) return true;
  return false;
}

bool PoolNameDetector::is_static_word(std::string_view word) const {
  for (const std::string &w : static_words_)
    if (word_matches(word, w)) return true;
  return false;
}

PoolNameMatch PoolNameDetector::check(std::string_view name,
                                      std::optional<IpAddress> client) const {
  PoolNameMatch m;
  while (!name.empty() && name.back() == '.')
    name.remove_suffix(1);
  if (name.empty() || name.front() == '[') return m;
  std::string lower(name);
  for (char &c : lower)
    c = ascii_lower(c);
  std::string_view host = host_part(lower);

  int digits = 0;
  for (std::size_t i = 0; i < host.size();) {
    if (!is_alpha(host[i])) {
      digits += is_digit(host[i]);
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < host.size() && is_alpha(host[j]))
      ++j;
    std::string_view word = host.substr(i, j - i);
    if (m.static_word.empty() && is_static_word(word)) m.static_word = word;
    if (m.pool_word.empty() && is_pool_word(word)) m.pool_word = word;
    i = j;
  }

  std::vector<NumberRun> runs = number_runs(host);
  if (client && client->is_v4()) {
    m.form = find_client_address(host, runs, octets_of(*client));
    m.matches_client = !m.form.empty();
  }
  if (m.form.empty()) m.form = find_any_address(host, runs);
  m.embeds_address = !m.form.empty();
  m.pool = m.static_word.empty() && (m.embeds_address || (!m.pool_word.empty() && digits >= 3));
  return m;
}

} // namespace spamflow
