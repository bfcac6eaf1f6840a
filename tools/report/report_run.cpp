#include "report_run.hpp"

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <optional>
#include <unistd.h>

#include "base/diagnostics.hpp"
#include "base/line_io.hpp"
#include "netinfo/net_table.hpp"
#include "report/report_period.hpp"
#include "report/report_query.hpp"
#include "report/report_writer.hpp"
#include "store/ban_store.hpp"
#include "store/message_blocks.hpp"
#include "wire/json_lines.hpp"

namespace spamflow::report {

namespace {

// Loads records into an in-memory store, for `--input`.
Result<BanStore> load_records(const std::string &path, Diagnostics &diag) {
  const InputFile in(path);
  if (!in.ok()) return make_error(path + ": cannot open");
  auto store = BanStore::open(":memory:");
  if (!store) return make_error(store.error());
  JsonLineReader reader(in.fd(), in.display_name(), diag);
  JsonLine line;
  StoredRecord rec;
  while (reader.next(line)) {
    if (auto ok = read_stored_record(line.object, rec); !ok) {
      diag.warn(reader.name() + ":" + std::to_string(line.line_no), ok.error());
      continue;
    }
    if (auto ok = store->add_record(rec); !ok) return make_error(ok.error());
  }
  if (auto ok = store->commit(); !ok) return make_error(ok.error());
  return store;
}

// A database that banwrite wrote: present, and of a schema we read.
Result<Db> open_database(const std::string &path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return make_error(path + ": no such database");
  auto db = Db::open_readonly(path); // report only reads
  if (!db) return make_error(db.error());
  int version = db->user_version();
  if (version == 0)
    return make_error(path + ": not a spamflow database (no schema; run banwrite first)");
  if (version < 0 || version > BanStore::kSchemaVersion)
    return make_error(path + ": schema version " + std::to_string(version) +
                      " is not one this report reads");
  return db;
}

std::int64_t bucket_seconds(const std::string &name) {
  if (name == "minute") return 60;
  if (name == "hour") return 3600;
  if (name == "day") return 86400;
  return 0;
}

Result<bool> write_output(const std::string &path, const std::string &text) {
  FILE *f = path.empty() ? stdout : std::fopen(path.c_str(), "wb");
  if (!f) return make_error(path + ": cannot create");
  bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
  ok = (f == stdout ? std::fflush(f) : std::fclose(f)) == 0 && ok;
  if (!ok) return make_error((path.empty() ? std::string("stdout") : path) + ": write error");
  return true;
}

// The period's bounds from --since, --until and --period, counted back from
// `anchor`. An end not given is the anchor itself (build_report's default).
Result<bool> parse_period(const Options &o, std::int64_t anchor, ZoneConverter &zone,
                          ReportOptions &ro) {
  if (!o.period.empty()) {
    auto p = preset_period(o.period, anchor, zone);
    if (!p) return make_error(p.error());
    ro.since = p->since;
    ro.until = p->until;
    ro.has_since = ro.has_until = true;
    return true;
  }
  for (auto [text, bound, has, end] : {std::tuple{&o.since, &ro.since, &ro.has_since, false},
                                       std::tuple{&o.until, &ro.until, &ro.has_until, true}}) {
    if (text->empty()) continue;
    auto t = parse_report_time(*text, anchor, zone, end);
    if (!t) return make_error(t.error());
    *bound = *t;
    *has = true;
  }
  return true;
}

// The network table: --table or $SPAMFLOW_NETTABLE must open; netlookup's
// default table is used when it is there. "none": no table.
Result<std::optional<NetTable>> open_table(const std::string &path) {
  if (path == "none") return std::optional<NetTable>();
  std::string p = path;
  if (p.empty()) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(NetTable::kDefaultPath, ec))
      return std::optional<NetTable>();
    p = NetTable::kDefaultPath;
  }
  auto t = NetTable::open(p);
  if (!t) return make_error(t.error());
  return std::optional<NetTable>(std::move(*t));
}

} // namespace

int run(const Options &o) {
  Diagnostics diag("report");
  ReportOptions ro;
  ro.now = static_cast<std::int64_t>(std::time(nullptr));
  ZoneConverter zone(o.tz);
  if (!o.tz.empty() && !zone.ok()) {
    diag.error("--tz " + o.tz + ": " + zone.error());
    return kExUsage;
  }
  // Bad times are usage errors before any database is opened.
  if (auto ok = parse_period(o, ro.now, zone, ro); !ok) {
    diag.error(ok.error());
    return kExUsage;
  }
  if (!o.tz.empty()) {
    ro.zone = &zone;
    ro.tz = o.tz;
  }
  ro.reports = o.reports;
  ro.top = o.top;
  ro.bucket_s = bucket_seconds(o.bucket);
  ro.compare_previous = o.format == "html";

  auto t = open_table(o.table);
  if (!t) {
    diag.error(t.error());
    return kExNoInput;
  }
  std::optional<NetTable> table = std::move(*t);
  if (table) ro.table = &*table;
  if (isatty(2))
    ro.progress = [](std::int64_t n) {
      std::fprintf(stderr, "\rreport: %lld records…", static_cast<long long>(n));
    };

  std::optional<BanStore> store;
  std::optional<Db> opened;
  Db *db = nullptr;
  if (!o.input.empty()) {
    auto s = load_records(o.input, diag);
    if (!s) {
      diag.error(s.error());
      return kExNoInput;
    }
    store.emplace(std::move(*s));
    db = &store->db();
  } else {
    auto d = open_database(o.db);
    if (!d) {
      diag.error(d.error());
      return kExNoInput;
    }
    opened.emplace(std::move(*d));
    db = &*opened;
  }
  if (o.anchor == "last") {
    // A replay: "now" is just after the database's last record.
    auto span = message_time_span(*db);
    if (!span) {
      diag.error(span.error());
      return kExSoftware;
    }
    if (*span) ro.now = (*span)->max_first + 1;
    if (auto ok = parse_period(o, ro.now, zone, ro); !ok) {
      diag.error(ok.error());
      return kExUsage;
    }
  }
  auto report = build_report(*db, ro);
  if (ro.progress) std::fprintf(stderr, "\r\x1b[K");
  if (!report) {
    diag.error(report.error());
    return kExSoftware;
  }
  if (!o.input.empty()) report->database = o.input == "-" ? "stdin" : o.input;
  const char *no_color = std::getenv("NO_COLOR");
  WriterOptions wo;
  wo.color = o.output.empty() && isatty(1) && (no_color == nullptr || *no_color == '\0');
  wo.width = o.width;
  auto writer = make_report_writer(o.format, wo);
  if (!writer) {
    diag.error("format " + o.format + " is not available");
    return kExUsage;
  }
  std::string out;
  writer->write(*report, out);
  if (auto ok = write_output(o.output, out); !ok) {
    diag.error(ok.error());
    return kExIoErr;
  }
  return kExOk;
}

} // namespace spamflow::report
