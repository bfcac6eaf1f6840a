#include "spamclass_options.hpp"

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "base/text_scan.hpp"
#include "ip/cidr.hpp"

namespace spamflow::spamclass {

namespace {

enum class ValueKind { kNumber, kCount, kCidrList, kWordList, kFlag };

struct KeyRule {
  ValueKind kind;
  double min, max;
};

std::string weight_key(const RuleInfo &info) {
  std::string key = std::string("weight-") + info.name;
  for (char &c : key)
    if (c == '_') c = '-';
  return key;
}

KeyRule key_rule(std::string_view key) {
  if (key.substr(0, 7) == "weight-") return {ValueKind::kNumber, -100, 100};
  if (key == "spam-threshold" || key == "suspect-threshold")
    return {ValueKind::kNumber, -100, 1000};
  if (key == "local-nets") return {ValueKind::kCidrList, 0, 0};
  if (key == "local-hosts" || key == "pool-words" || key == "static-words")
    return {ValueKind::kWordList, 0, 0};
  if (key == "explain" || key == "strict" || key == "stats") return {ValueKind::kFlag, 0, 0};
  return {ValueKind::kCount, 1, 1000000};
}

// Blanks around a value, and the CR of a file written with CRLF line ends.
constexpr std::string_view kBlanks = " \t\r";

std::string_view unquote(std::string_view s) {
  s = trim(s, kBlanks);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front())
    s = s.substr(1, s.size() - 2);
  return s;
}

// "a,b", "[\"a\", \"b\"]" or "\"a,b\"" as items.
std::vector<std::string> list_items(std::string_view value) {
  value = trim(value, kBlanks);
  if (value.size() >= 2 && value.front() == '[' && value.back() == ']')
    value = value.substr(1, value.size() - 2);
  else
    value = unquote(value);
  std::vector<std::string> items;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    std::string_view item = unquote(value.substr(start, comma - start));
    if (!item.empty()) items.emplace_back(item);
    start = comma + 1;
  }
  return items;
}

Result<bool> check_value(std::string_view key, std::string_view raw) {
  KeyRule rule = key_rule(key);
  std::string value(unquote(raw));
  switch (rule.kind) {
  case ValueKind::kNumber:
  case ValueKind::kCount: {
    char *end = nullptr;
    errno = 0;
    double v = std::strtod(value.c_str(), &end);
    bool whole =
        rule.kind == ValueKind::kNumber || v == static_cast<double>(static_cast<long long>(v));
    if (value.empty() || *end != '\0' || errno != 0 || !whole || v < rule.min || v > rule.max)
      return make_error("'" + value + "' is not " +
                        (rule.kind == ValueKind::kCount ? "a whole number" : "a number") +
                        " from " + CLI::detail::to_string(rule.min) + " to " +
                        CLI::detail::to_string(rule.max));
    return true;
  }
  case ValueKind::kCidrList:
    for (const std::string &item : list_items(raw))
      if (auto net = IpNetwork::parse(item, false); !net)
        return make_error("'" + item + "' is not an address or network: " + net.error());
    return true;
  case ValueKind::kWordList:
    return true;
  case ValueKind::kFlag:
    if (value == "true" || value == "false" || value == "1" || value == "0" || value == "yes" ||
        value == "no" || value == "on" || value == "off")
      return true;
    return make_error("'" + value + "' is not true or false");
  }
  return true;
}

std::string join(const std::vector<std::string> &items) {
  std::string out;
  for (const std::string &s : items)
    out += (out.empty() ? "" : ",") + s;
  return out;
}

} // namespace

void add_options(CLI::App &app, Options &o) {
  ClassifyConfig &c = o.config;
  app.set_config("--config", "", "Read options from this INI/TOML file (keys: long option names)");
  app.add_option("--local-nets", o.local_nets,
                 "Local client networks, replacing the default (never scored as spam)")
      ->delimiter(',')
      ->type_name("CIDR[,CIDR...]");
  app.add_option("--local-hosts", o.local_hosts, "Local client names (.suffix matches a domain)")
      ->delimiter(',')
      ->type_name("NAME[,NAME...]");
  app.add_option("--pool-words", o.pool_words, "Words of dynamic pool names (replaces the list)")
      ->delimiter(',')
      ->type_name("WORD[,WORD...]");
  app.add_option("--static-words", o.static_words, "Words that make a name not a pool (replaces)")
      ->delimiter(',')
      ->type_name("WORD[,WORD...]");
  app.add_option("--spam-threshold", c.spam_threshold, "Score from which a record is spam")
      ->check(CLI::Range(-100.0, 1000.0))
      ->capture_default_str();
  app.add_option("--suspect-threshold", c.suspect_threshold, "Score from which it is suspect")
      ->check(CLI::Range(-100.0, 1000.0))
      ->capture_default_str();
  app.add_option("--dictionary-min", c.dictionary_min,
                 "Unknown users that make a dictionary attack")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--auth-brute-min", c.auth_brute_min, "AUTH failures that make brute force")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--null-sender-min-rcpts", c.null_sender_min_rcpts,
                 "Recipients of one <> message that make a flood")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_flag("--explain", o.explain, "Add each rule's weight to its reason (name=+W)");
  app.add_flag("--strict", o.strict, "Drop bad lines (counted) and exit 65 at the end");
  app.add_flag("--stats", o.stats, "Print counters and verdict counts on stderr at exit");
  app.add_flag("--print-config", o.print_config, "Print the effective configuration and exit")
      ->configurable(false);
  CLI::App *weights =
      app.add_option_group("Rule weights", "Score added by each rule (see spamclass(1))");
  for (const RuleInfo &info : rule_table())
    weights
        ->add_option("--" + weight_key(info), c.weights[static_cast<std::size_t>(info.rule)],
                     info.what)
        ->check(CLI::Range(-100.0, 100.0))
        ->capture_default_str();
  app.add_option("files", o.files, "JSON-lines files to read (default: standard input)");
}

std::string config_path_in(int argc, char **argv) {
  std::string path;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "--") break;
    if (a == "--config" && i + 1 < argc)
      path = argv[++i];
    else if (a.substr(0, 9) == "--config=")
      path = std::string(a.substr(9));
  }
  return path;
}

Result<bool> check_config_file(const CLI::App &app, const std::string &path) {
  std::ifstream in(path);
  if (!in) return make_error(path + ": cannot open the config file");
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    std::string_view text = trim(line, kBlanks);
    auto where = [&] { return path + ":" + std::to_string(line_no) + ": "; };
    if (text.empty() || text.front() == '#' || text.front() == ';') continue;
    if (text.front() == '[') {
      if (text == "[default]" || text == "[spamclass]") continue;
      return make_error(where() + "unknown section " + std::string(text) +
                        " (use [default] or none)");
    }
    std::size_t eq = text.find('=');
    if (eq == std::string_view::npos)
      return make_error(where() + "expected key = value, not '" + std::string(text) + "'");
    std::string key(trim(text.substr(0, eq), kBlanks));
    const CLI::Option *opt = app.get_option_no_throw("--" + key);
    if (opt == nullptr || !opt->get_configurable() || key == "config")
      return make_error(where() + "unknown key '" + key + "'");
    if (auto ok = check_value(key, text.substr(eq + 1)); !ok)
      return make_error(where() + key + ": " + ok.error());
  }
  return true;
}

Result<bool> finish_options(Options &o) {
  ClassifyConfig &c = o.config;
  c.local_nets.clear();
  for (const std::string &text : o.local_nets) {
    if (text.empty()) continue;
    auto net = IpNetwork::parse(text, false);
    if (!net) return make_error("--local-nets: '" + text + "': " + net.error());
    c.local_nets.push_back(*net);
  }
  // An empty value ("local-hosts = \"\"") clears a list.
  auto non_empty = [](std::vector<std::string> &v) {
    std::erase_if(v, [](const std::string &s) { return s.empty(); });
    return v;
  };
  c.local_hosts = non_empty(o.local_hosts);
  c.pool = PoolNameDetector(non_empty(o.pool_words), non_empty(o.static_words));
  if (c.suspect_threshold > c.spam_threshold)
    return make_error("--suspect-threshold is above --spam-threshold");
  return true;
}

std::string config_text(const Options &o) {
  const ClassifyConfig &c = o.config;
  std::ostringstream out;
  out << "# spamclass configuration: spamclass --config FILE reads this form.\n"
      << "# Keys are the long options; see spamclass(1).\n"
      << "spam-threshold = " << c.spam_threshold << "\n"
      << "suspect-threshold = " << c.suspect_threshold << "\n"
      << "dictionary-min = " << c.dictionary_min << "\n"
      << "auth-brute-min = " << c.auth_brute_min << "\n"
      << "null-sender-min-rcpts = " << c.null_sender_min_rcpts << "\n"
      << "local-nets = \"" << join(o.local_nets) << "\"\n"
      << "local-hosts = \"" << join(o.local_hosts) << "\"\n"
      << "pool-words = \"" << join(o.pool_words) << "\"\n"
      << "static-words = \"" << join(o.static_words) << "\"\n"
      << "# Rule weights\n";
  for (const RuleInfo &info : rule_table())
    out << "# " << info.what << "\n" << weight_key(info) << " = " << c.weight(info.rule) << "\n";
  return out.str();
}

} // namespace spamflow::spamclass
