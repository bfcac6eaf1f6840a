#include "netimport/net_import.hpp"

#include <ctime>
#include <functional>
#include <sys/stat.h>

#include "netimport/drop_list.hpp"
#include "netimport/net_input.hpp"
#include "netimport/pfx2as.hpp"
#include "netimport/rir_stats.hpp"

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

// One importer per input kind: parse a line, hand the entry to the builder.
struct Importer {
  NetTableBuilder &builder;
  NetImportStats &stats;
  Diagnostics &diag;
  bool strict;

  Result<bool> rir(const std::string &path) {
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
    return read_source(path, "rir", strict, handle, builder, stats, diag,
                       [&] { return parser.file_date(); });
  }

  Result<bool> pfx2as(const std::string &path) {
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
    return read_source(path, "pfx2as", strict, handle, builder, stats, diag, {});
  }

  Result<bool> ip2asn(const std::string &path) {
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
    return read_source(path, "ip2asn", strict, handle, builder, stats, diag, {});
  }

  Result<bool> drop(const std::string &path) {
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
    return read_source(path, "drop", strict, handle, builder, stats, diag,
                       [&] { return parser.date(); });
  }

  Result<bool> mmdb(const std::string &path) {
    Result<std::uint64_t> n = import_mmdb(path, builder, diag);
    if (!n) return make_error(n.error());
    stats.files += 1;
    stats.entries += *n;
    builder.add_source({"mmdb", path, file_mtime(path), *n, 0});
    return true;
  }
};

} // namespace

Result<NetImportStats> import_net_table(const NetImportOptions &opt, const std::string &table_path,
                                        Diagnostics &diag) {
  NetTableBuilder builder;
  NetImportStats stats;
  Importer imp{builder, stats, diag, opt.strict};
  using Step = Result<bool> (Importer::*)(const std::string &);
  const std::pair<const std::vector<std::string> *, Step> steps[] = {
      {&opt.rir, &Importer::rir},
      {&opt.pfx2as, &Importer::pfx2as},
      {&opt.ip2asn, &Importer::ip2asn},
      {&opt.drop, &Importer::drop},
  };
  for (const auto &[paths, step] : steps)
    for (const std::string &path : *paths)
      if (Result<bool> ok = (imp.*step)(path); !ok) return make_error(ok.error());
  if (!opt.mmdb.empty())
    if (Result<bool> ok = imp.mmdb(opt.mmdb); !ok) return make_error(ok.error());
  Result<BuildStats> built = builder.write(table_path);
  if (!built) return make_error(built.error());
  stats.table = *built;
  return stats;
}

} // namespace spamflow
