#include "spamclass_run.hpp"

#include <array>
#include <csignal>
#include <cstdio>
#include <unistd.h>

#include "base/diagnostics.hpp"
#include "base/line_io.hpp"
#include "wire/json_lines.hpp"
#include "wire/json_splice.hpp"
#include "wire/wire_keys.hpp"

namespace spamflow::spamclass {

namespace {

struct Counters {
  std::uint64_t records = 0;  // lines written
  std::uint64_t bad = 0;      // not JSON, not an object, or a field of the wrong type
  std::uint64_t dropped = 0;  // bad lines left out (--strict, or too long to keep)
  std::uint64_t verbatim = 0; // bad lines written unchanged (no object to add "class" to)
  std::uint64_t passed = 0;   // other tools' lines (flags, ban events), passed through
  std::array<std::uint64_t, 5> verdicts{};
};

class Runner {
public:
  explicit Runner(const Options &o) : opts_(o), diag_("spamclass"), out_(STDOUT_FILENO) {}

  int run_all() {
    std::vector<std::string> files = opts_.files;
    if (files.empty()) files.push_back("-");
    int rc = kExOk;
    for (const std::string &f : files) {
      int code = run_one(f);
      if (code != kExOk) rc = code;
      if (!out_.ok()) break;
    }
    out_.flush();
    if (opts_.stats) print_stats();
    if (!out_.ok()) return rc == kExOk ? kExIoErr : rc;
    if (rc == kExOk && opts_.strict && count_.bad > 0) {
      std::fprintf(stderr, "spamclass: %llu bad lines dropped (--strict)\n",
                   static_cast<unsigned long long>(count_.dropped));
      return kExDataErr;
    }
    return rc;
  }

private:
  int run_one(const std::string &name) {
    const InputFile in(name);
    if (!in.ok()) {
      diag_.error(in.display_name() + ": cannot open");
      return kExNoInput;
    }
    JsonLineReader reader(in.fd(), in.display_name(), diag_);
    reader.set_before_block([this] { out_.flush(); });
    JsonLineReader::RawLine line;
    while (out_.ok() && reader.next_raw(line))
      handle(reader, line);
    return reader.io_error() ? kExIoErr : kExOk;
  }

  static bool is_other_tool_line(simdjson::dom::element object) {
    std::string_view kind;
    if (object[wire::record::kKind].get(kind) != simdjson::SUCCESS) return false;
    return kind == "flag" || kind == "ban";
  }

  void handle(const JsonLineReader &reader, const JsonLineReader::RawLine &line) {
    bool bad = !line.error.empty();
    if (!bad && is_other_tool_line(line.object)) {
      // spamflag's flags and banwrite's ban events travel the same pipes:
      // they are not records to classify and pass through as they are.
      out_.buffer().append(line.text).append(1, '\n');
      ++count_.passed;
      out_.maybe_flush();
      return;
    }
    if (bad) {
      result_.clear(); // the reader has reported it already
    } else {
      classify_record(line.object, opts_.config, result_);
      if (!result_.error.empty()) {
        bad = true;
        diag_.warn(reader.name() + ":" + std::to_string(line.line_no), result_.error);
      }
    }
    if (bad) ++count_.bad;
    if ((bad && opts_.strict) || line.text.empty()) {
      ++count_.dropped;
      return;
    }
    class_json_.clear();
    append_class_json(class_json_, result_, opts_.explain);
    std::string &buf = out_.buffer();
    if (!bad && append_fast(buf, line)) {
      // done: the common case, a valid object without "class"
    } else if (!splice_json_key_into(buf, line.text, wire::record::kClass, class_json_)) {
      buf.append(line.text); // not an object: nothing to add "class" to
      ++count_.verbatim;
    }
    buf += '\n';
    ++count_.records;
    ++count_.verdicts[static_cast<std::size_t>(result_.verdict)];
    out_.maybe_flush();
  }

  // A line simdjson accepted as a non-empty object without a "class" key
  // (keys compared unescaped) ends in '}' after its last value and optional
  // blanks: insert there, exactly as splice_json_key_into would, without
  // its structural scan of the whole line.
  bool append_fast(std::string &buf, const JsonLineReader::RawLine &line) const {
    simdjson::dom::object obj;
    if (line.object.get(obj) != simdjson::SUCCESS || obj.size() == 0 ||
        obj[wire::record::kClass].error() != simdjson::NO_SUCH_FIELD)
      return false;
    std::string_view text = line.text;
    std::size_t end = text.find_last_not_of(" \t\r\n");
    if (end == std::string_view::npos || text[end] != '}') return false;
    std::size_t after_value = text.find_last_not_of(" \t\r\n", end - 1) + 1;
    buf.append(text.substr(0, after_value))
        .append(wire::json_piece<',', wire::record::kClass>)
        .append(class_json_);
    buf.append(text.substr(after_value));
    return true;
  }

  void print_stats() const {
    auto n = [](std::uint64_t v) { return static_cast<unsigned long long>(v); };
    const auto &v = count_.verdicts;
    std::fprintf(stderr,
                 "spamclass: records=%llu spam=%llu suspect=%llu ham=%llu local=%llu "
                 "unknown=%llu bad=%llu dropped=%llu verbatim=%llu passed=%llu warnings=%llu\n",
                 n(count_.records), n(v[size_t(Verdict::kSpam)]), n(v[size_t(Verdict::kSuspect)]),
                 n(v[size_t(Verdict::kHam)]), n(v[size_t(Verdict::kLocal)]),
                 n(v[size_t(Verdict::kUnknown)]), n(count_.bad), n(count_.dropped),
                 n(count_.verbatim), n(count_.passed), n(diag_.warnings()));
  }

  const Options &opts_;
  Diagnostics diag_;
  OutputBuffer out_;
  Counters count_;
  Classification result_;
  std::string class_json_;
};

} // namespace

int run(const Options &opts) {
  std::signal(SIGPIPE, SIG_IGN);
  return Runner(opts).run_all();
}

} // namespace spamflow::spamclass
