// netlookup-bench (scripts/bench netlookup; built, never installed): lookups
// per second of the compiled network table, beside a binary search over the
// same data as sorted ranges, and beside libmaxminddb over an MMDB of the
// same prefixes when one is given (and the library is present).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>
#include <netinet/in.h>
#include <vector>

#include "base/diagnostics.hpp"
#include "netinfo/net_table.hpp"

#ifdef SPAMFLOW_HAVE_MAXMINDDB
#include <maxminddb.h>
#endif

namespace spamflow {

namespace {

struct BenchOptions {
  std::string table;
  std::string mmdb;
  std::size_t count = 1000000;
  int rounds = 5;
};

struct XorShift {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

double thread_cpu_seconds() {
  timespec ts{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// CPU seconds of this thread for fn(), best of `rounds`: on a shared machine
// wall time would mostly measure the other processes.
double best_of(int rounds, const std::function<void()> &fn) {
  double best = 1e30;
  for (int r = 0; r < rounds; ++r) {
    double t0 = thread_cpu_seconds();
    fn();
    best = std::min(best, thread_cpu_seconds() - t0);
  }
  return best;
}

void report(const char *what, std::size_t n, double secs, double reference) {
  double rate = double(n) / secs;
  std::printf("  %-44s %8.2f M/s", what, rate / 1e6);
  if (reference > 0) std::printf("   %6.1fx", rate / reference);
  std::printf("\n");
}

int run_bench(const BenchOptions &o) {
  Diagnostics diag("netlookup-bench");
  Result<NetTable> table = NetTable::open(o.table);
  if (!table) {
    diag.error(table.error());
    return kExNoInput;
  }
  const NetTable &t = *table;
  XorShift rng{0x9e3779b97f4a7c15ull};
  std::vector<std::uint32_t> v4(o.count);
  for (auto &a : v4)
    a = std::uint32_t(rng.next());
  // IPv6 space is almost all empty: uniform addresses would measure empty
  // index buckets. These fall into random segments of the table instead.
  std::vector<uint128> v6(o.count);
  const std::size_t n6 = t.v6_segment_count();
  for (auto &a : v6) {
    std::size_t i = std::size_t(rng.next() % n6);
    uint128 first = t.v6_segment_start(i);
    uint128 span = i + 1 < n6 ? t.v6_segment_start(i + 1) - first : ~uint128(0) - first;
    uint128 r = (uint128(rng.next()) << 64) | rng.next();
    a = first + (span ? r % span : 0);
  }
  volatile std::uint64_t sink = 0;

  std::printf(
      "netlookup-bench: %s, %zu random addresses, best of %d rounds, per thread CPU second\n",
      o.table.c_str(), o.count, o.rounds);
  std::printf("IPv4:\n");
  // The baseline answers from the very same data: the table's own segments.
  std::vector<std::uint32_t> starts, values;
  for (const AddrSegment &seg : t.v4_segments()) {
    starts.push_back(std::uint32_t(seg.first));
    values.push_back(seg.value);
  }
  double bsearch = best_of(o.rounds, [&] {
    std::uint64_t s = 0;
    for (std::uint32_t a : v4)
      s += values[std::size_t(std::upper_bound(starts.begin(), starts.end(), a) - starts.begin()) -
                  1];
    sink = sink + s;
  });
  double bs_rate = double(o.count) / bsearch;
  char label[96];
  std::snprintf(label, sizeof label, "binary search, %zu sorted ranges", starts.size());
  report(label, o.count, bsearch, 0);
  double trie = best_of(o.rounds, [&] {
    std::uint64_t s = 0;
    for (std::uint32_t a : v4)
      s += t.find_v4(a);
    sink = sink + s;
  });
  report("netlookup table (find_v4: record id)", o.count, trie, bs_rate);
  double with_asn = best_of(o.rounds, [&] {
    std::uint64_t s = 0;
    for (std::uint32_t a : v4)
      s += t.asn_of(t.find_v4(a));
    sink = sink + s;
  });
  report("netlookup table (find_v4 + asn_of)", o.count, with_asn, bs_rate);
  double full = best_of(o.rounds, [&] {
    std::uint64_t s = 0;
    for (std::uint32_t a : v4)
      if (auto info = t.lookup_v4(a)) s += info->asn;
    sink = sink + s;
  });
  report("netlookup table (lookup_v4: full NetInfo)", o.count, full, bs_rate);
#ifdef SPAMFLOW_HAVE_MAXMINDDB
  if (!o.mmdb.empty()) {
    MMDB_s mmdb;
    if (MMDB_open(o.mmdb.c_str(), MMDB_MODE_MMAP, &mmdb) != MMDB_SUCCESS) {
      std::printf("  libmaxminddb: cannot open %s\n", o.mmdb.c_str());
    } else {
      double mm = best_of(o.rounds, [&] {
        std::uint64_t s = 0;
        sockaddr_in sa{};
        sa.sin_family = AF_INET;
        for (std::uint32_t a : v4) {
          sa.sin_addr.s_addr = htonl(a);
          int err = 0;
          MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&mmdb, (const sockaddr *)&sa, &err);
          MMDB_entry_data_s d;
          if (r.found_entry &&
              MMDB_get_value(&r.entry, &d, "autonomous_system_number", nullptr) == MMDB_SUCCESS &&
              d.has_data)
            s += d.uint32;
        }
        sink = sink + s;
      });
      report("libmaxminddb (lookup_sockaddr + get_value)", o.count, mm, bs_rate);
      std::printf("  netlookup / libmaxminddb: find_v4 %.1fx, find_v4 + asn_of %.1fx\n", mm / trie,
                  mm / with_asn);
      MMDB_close(&mmdb);
    }
  } else {
    std::printf("  libmaxminddb: no --mmdb given, column skipped\n");
  }
#else
  std::printf("  libmaxminddb: not available in this build, column skipped\n");
#endif
  std::printf("IPv6:\n");
  double six = best_of(o.rounds, [&] {
    std::uint64_t s = 0;
    for (const uint128 &a : v6)
      s += t.find_v6(a);
    sink = sink + s;
  });
  char label6[96];
  std::snprintf(label6, sizeof label6, "netlookup table (find_v6), %zu segments", n6);
  report(label6, o.count, six, 0);
  return kExOk;
}

} // namespace
} // namespace spamflow

int main(int argc, char **argv) {
  spamflow::BenchOptions o;
  CLI::App app{"Time lookups on a netlookup table (scripts/bench netlookup)."};
  app.add_option("--table", o.table, "Compiled table file")->required();
  app.add_option("--mmdb", o.mmdb, "MMDB of the same prefixes, for comparison");
  app.add_option("--count", o.count, "Random addresses per round")
      ->check(CLI::Range(1000, 100000000));
  app.add_option("--rounds", o.rounds, "Rounds (the best counts)")->check(CLI::Range(1, 100));
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError &e) {
    return e.get_exit_code() == 0 ? app.exit(e) : (app.exit(e), spamflow::kExUsage);
  }
  return spamflow::run_bench(o);
}
