// spamclass's options: one table of keys that are both command-line options
// and config-file keys, the config file pre-scan that gives file:line for
// unknown keys and bad values, and --print-config.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "base/result.hpp"
#include "classify/classify.hpp"

namespace spamflow::spamclass {

struct Options {
  ClassifyConfig config;
  std::vector<std::string> local_nets{"127.0.0.0/8", "::1/128"};
  std::vector<std::string> local_hosts;
  std::vector<std::string> pool_words = PoolNameDetector::default_pool_words();
  std::vector<std::string> static_words = PoolNameDetector::default_static_words();
  bool explain = false;
  bool strict = false;
  bool stats = false;
  bool print_config = false;
  std::vector<std::string> files; // empty or "-": standard input
};

// Registers every option (and --config) on app, bound to opts.
void add_options(CLI::App &app, Options &opts);

// The --config/--config=FILE argument of argv, "" if none.
std::string config_path_in(int argc, char **argv);

// Checks a config file line by line before CLI11 reads it: every key must
// be an option of app that a file may set, every value must parse. The
// error is "FILE:LINE: what".
Result<bool> check_config_file(const CLI::App &app, const std::string &path);

// Turns the list options into opts.config (the address lists are parsed here).
Result<bool> finish_options(Options &opts);

// The effective configuration in config-file form (readable by --config).
std::string config_text(const Options &opts);

} // namespace spamflow::spamclass
