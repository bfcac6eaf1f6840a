#include "spamflow/net_import.hpp"

#include <ctime>
#include <functional>
#include <sys/stat.h>

#include "spamflow/drop_list.hpp"
#include "spamflow/net_input.hpp"
#include "spamflow/pfx2as.hpp"
#include "spamflow/rir_stats.hpp"

namespace spamflow {

namespace {

std::string file_mtime(const std::string &path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  char buf[32];
  std::tm tm{};
  ::gmtime_r(&st.st_mtime, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

// Parses one line; returns an error message for a malformed line, "" else.
using LineHandler = std::function<std::string(std::string_view, SourceInfo &)>;

// Feeds every line of `path` to `handle`; counts, reports, and in strict
// mode stops at the first malformed line.
Result<bool> read_source(const std::string &path, const std::string &kind, bool strict,
                         const LineHandler &handle, NetTableBuilder &builder, NetImportStats &stats,
                         Diagnostics &diag, const std::function<std::string()> &stated_date) {
  Result<NetLineReader> reader = NetLineReader::open(path);
  if (!reader) return make_error(reader.error());
  SourceInfo source{kind, path, "", 0, 0};
  std::string_view line;
  while (reader->next(line)) {
    ++stats.lines;
    std::string problem = handle(line, source);
    if (problem.empty()) continue;
    ++source.errors;
    std::string where = path + ":" + std::to_string(reader->line_number());
    diag.warn(where, problem);
    if (strict) return make_error(where + ": " + problem + " (--strict)");
  }
  if (!reader->error().empty()) return make_error(reader->error());
  source.date = stated_date ? stated_date() : "";
  if (source.date.empty()) source.date = file_mtime(path);
  stats.files += 1;
  stats.entries += source.entries;
  stats.errors += source.errors;
  builder.add_source(std::move(source));
  return true;
}

} // namespace

Result<NetImportStats> import_net_table(const NetImportOptions &opt, const std::string &table_path,
                                        Diagnostics &diag) {
  NetTableBuilder builder;
  NetImportStats stats;
  for (const std::string &path : opt.rir) {
    RirStatsParser parser;
    RegistryEntry entry;
    auto handle = [&](std::string_view line, SourceInfo &src) -> std::string {
      Result<RirLine> r = parser.parse(line, entry);
      if (!r) return r.error();
      if (*r == RirLine::kRecord) {
        builder.add_registry(entry);
        ++src.entries;
      }
      return "";
    };
    Result<bool> ok = read_source(path, "rir", opt.strict, handle, builder, stats, diag,
                                  [&] { return parser.file_date(); });
    if (!ok) return make_error(ok.error());
  }
  for (const std::string &path : opt.pfx2as) {
    RouteEntry route;
    auto handle = [&](std::string_view line, SourceInfo &src) -> std::string {
      Result<bool> r = parse_pfx2as_line(line, route);
      if (!r) return r.error();
      if (*r) {
        builder.add_route(route);
        ++src.entries;
      }
      return "";
    };
    Result<bool> ok = read_source(path, "pfx2as", opt.strict, handle, builder, stats, diag, {});
    if (!ok) return make_error(ok.error());
  }
  for (const std::string &path : opt.ip2asn) {
    RangeRouteEntry range;
    auto handle = [&](std::string_view line, SourceInfo &src) -> std::string {
      Result<bool> r = parse_ip2asn_line(line, range);
      if (!r) return r.error();
      if (*r) {
        builder.add_range_route(range);
        ++src.entries;
      }
      return "";
    };
    Result<bool> ok = read_source(path, "ip2asn", opt.strict, handle, builder, stats, diag, {});
    if (!ok) return make_error(ok.error());
  }
  for (const std::string &path : opt.drop) {
    DropListParser parser;
    DropEntry prefix;
    std::uint32_t asn = 0;
    std::string tag;
    auto handle = [&](std::string_view line, SourceInfo &src) -> std::string {
      Result<DropLine> r = parser.parse(line, prefix, asn, tag);
      if (!r) return r.error();
      if (*r == DropLine::kPrefix)
        builder.add_drop(prefix);
      else if (*r == DropLine::kAsn)
        builder.add_asn_drop(asn, tag);
      if (*r != DropLine::kSkipped) ++src.entries;
      return "";
    };
    Result<bool> ok = read_source(path, "drop", opt.strict, handle, builder, stats, diag,
                                  [&] { return parser.date(); });
    if (!ok) return make_error(ok.error());
  }
  if (!opt.mmdb.empty()) {
    Result<std::uint64_t> n = import_mmdb(opt.mmdb, builder, diag);
    if (!n) return make_error(n.error());
    stats.files += 1;
    stats.entries += *n;
    builder.add_source({"mmdb", opt.mmdb, file_mtime(opt.mmdb), *n, 0});
  }
  Result<BuildStats> built = builder.write(table_path);
  if (!built) return make_error(built.error());
  stats.table = *built;
  return stats;
}

} // namespace spamflow
