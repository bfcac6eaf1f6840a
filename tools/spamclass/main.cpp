// spamclass: add a verdict (spam, suspect, ham, local) with its score and
// reasons to every logjoin record. See spamclass(1).
#include <cstdio>

#include <CLI/CLI.hpp>

#include "base/diagnostics.hpp"
#include "base/version.hpp"
#include "spamclass_options.hpp"
#include "spamclass_run.hpp"

int main(int argc, char **argv) {
  using namespace spamflow;
  spamclass::Options o;
  CLI::App app{"Classify logjoin records as spam, suspect, ham or local, with reasons."};
  app.set_version_flag("--version", std::string("spamclass (spamflow) ") + kVersion);
  spamclass::add_options(app, o);
  // CLI11 does not say where in the file a bad key or value is: check first.
  if (std::string path = spamclass::config_path_in(argc, argv); !path.empty())
    if (auto ok = spamclass::check_config_file(app, path); !ok) {
      std::fprintf(stderr, "spamclass: %s\n", ok.error().c_str());
      return kExConfig;
    }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), kExUsage);
  }
  if (auto ok = spamclass::finish_options(o); !ok) {
    std::fprintf(stderr, "spamclass: %s\n", ok.error().c_str());
    return kExUsage;
  }
  if (o.print_config) {
    std::fputs(spamclass::config_text(o).c_str(), stdout);
    return kExOk;
  }
  return spamclass::run(o);
}
