#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <unistd.h>

#include "ip/ip_address.hpp"
#include "netimport/drop_list.hpp"
#include "netimport/net_import.hpp"
#include "netimport/pfx2as.hpp"
#include "netimport/rir_stats.hpp"
#include "netinfo/net_table.hpp"

using namespace spamflow;

namespace {

std::string temp_path(const char *name) {
  return "/tmp/spamflow-test-" + std::to_string(::getpid()) + "-" + name;
}

std::string data(const char *name) {
  return std::string(SPAMFLOW_SOURCE_DIR) + "/tests/data/net/" + name;
}

IpAddress ip(const char *text) {
  return *IpAddress::parse(text);
}

} // namespace

TEST_CASE("RIR statistics lines", "[net]") {
  RirStatsParser p;
  RegistryEntry e;
  CHECK(*p.parse("2.3|lacnic|20230323|86237|19870101|20230322|-0300", e) == RirLine::kHeader);
  CHECK(p.file_date() == "20230322");
  CHECK(*p.parse("lacnic|*|ipv4|*|19618|summary", e) == RirLine::kSkipped);
  CHECK(*p.parse("# comment", e) == RirLine::kSkipped);
  CHECK(*p.parse("afrinic|ZA|asn|1228|1|19910301|allocated|F36B9F4B", e) == RirLine::kSkipped);
  REQUIRE(*p.parse("lacnic|BR|ipv4|24.152.0.0|768|20200310|allocated|310248", e) ==
          RirLine::kRecord);
  CHECK(e.first == 0x18980000u);
  CHECK(e.last == 0x18980000u + 767);
  CHECK(e.rir == netfile::Rir::kLacnic);
  CHECK(e.org_id == "310248");
  CHECK(e.date == 20200310);
  CHECK(std::string(e.cc, 2) == "BR");
  REQUIRE(*p.parse("apnic|JP|ipv6|2001:200::|35|19990813|allocated", e) == RirLine::kRecord);
  CHECK(e.v6);
  CHECK(e.last == ((uint128(0x20010200) << 96) | ((uint128(1) << 93) - 1)));
  CHECK(e.org_id.empty());
  REQUIRE(*p.parse("ripencc|ZZ|ipv4|2.56.0.0|1024||available|", e) == RirLine::kRecord);
  CHECK(e.cc[0] == 0);
  CHECK(e.status == netfile::Status::kAvailable);
  // Malformed lines are described, not guessed at.
  CHECK_FALSE(p.parse("apnic|JP|ipv4|1.2.3|256|20100101|allocated", e).ok());
  CHECK_FALSE(p.parse("apnic|JP|ipv4|1.2.3.0|0|20100101|allocated", e).ok());
  CHECK_FALSE(p.parse("apnic|JP|ipv4|255.255.255.0|512|20100101|allocated", e).ok());
  CHECK_FALSE(p.parse("apnic|JP|ipv6|2001:200::1|35|19990813|allocated", e).ok());
  CHECK_FALSE(p.parse("apnic|JP|ipv4|1.2.3.0|256|20100101|stolen", e).ok());
  CHECK_FALSE(p.parse("nowhere|JP|ipv4|1.2.3.0|256|20100101|allocated", e).ok());
  CHECK_FALSE(p.parse("apnic|JP|ipv4|1.2.3.0", e).ok());
}

TEST_CASE("pfx2as lines in RouteViews, pyasn and ip2asn forms", "[net]") {
  RouteEntry r;
  REQUIRE(*parse_pfx2as_line("1.0.0.0/24\t15169", r));
  CHECK((r.net == 0x01000000u && r.len == 24 && r.asn == 15169 && !r.v6));
  REQUIRE(*parse_pfx2as_line("1.0.4.0\t22\t56203", r));
  CHECK((r.net == 0x01000400u && r.len == 22 && r.asn == 56203));
  REQUIRE(*parse_pfx2as_line("2.0.0.0\t16\t3215_65001", r)); // multi-origin: first
  CHECK(r.asn == 3215);
  REQUIRE(*parse_pfx2as_line("5.0.0.0\t16\t{64512,64513}", r)); // AS set
  CHECK(r.asn == 64512);
  REQUIRE(*parse_pfx2as_line("2001:200::/32\t2500", r));
  CHECK((r.v6 && r.len == 32 && r.asn == 2500));
  CHECK_FALSE(*parse_pfx2as_line("; IP-ASN32-DAT file", r));
  CHECK_FALSE(parse_pfx2as_line("1.0.0.1/24\t15169", r).ok()); // host bits
  CHECK_FALSE(parse_pfx2as_line("1.0.0.0/33\t15169", r).ok());
  CHECK_FALSE(parse_pfx2as_line("1.0.0.0/24\tAS-X", r).ok());
  CHECK_FALSE(parse_pfx2as_line("1.0.0.0/24 15169", r).ok());
  RangeRouteEntry q;
  REQUIRE(*parse_ip2asn_line("1.1.1.1\t1.1.1.1\t7497\tCN\tCSTNET-AS-AP Computer Network", q));
  CHECK((q.first == q.last && q.asn == 7497 && q.as_name == "CSTNET-AS-AP Computer Network"));
  CHECK_FALSE(*parse_ip2asn_line("1.0.0.0\t1.0.0.255\t0\tNone\tNot routed", q));
  CHECK_FALSE(parse_ip2asn_line("1.0.0.9\t1.0.0.2\t5\tUS\tx", q).ok());
}

TEST_CASE("DROP lists name their tags after the list header", "[net]") {
  DropListParser p;
  DropEntry d;
  std::uint32_t asn = 0;
  std::string tag;
  CHECK(*p.parse("; Spamhaus EDROP List 2018/10/31 - (c) 2018 The Spamhaus Project", d, asn, tag) ==
        DropLine::kSkipped);
  CHECK(*p.parse("; Last-Modified: Tue, 30 Oct 2018 11:18:15 GMT", d, asn, tag) ==
        DropLine::kSkipped);
  CHECK(p.date() == "Tue, 30 Oct 2018 11:18:15 GMT");
  REQUIRE(*p.parse("5.188.11.0/24 ; SBL402809", d, asn, tag) == DropLine::kPrefix);
  CHECK((d.tag == "edrop:SBL402809" && d.len == 24));
  REQUIRE(*p.parse(R"({"asn":932,"rir":"arin","domain":"xn.net","cc":"US","asname":"XNNET"})", d,
                   asn, tag) == DropLine::kAsn);
  CHECK((asn == 932 && tag == "asn-drop:AS932"));
  CHECK_FALSE(p.parse("5.188.11.0/24 ; SBL 40; rm -rf", d, asn, tag).ok());
  CHECK_FALSE(p.parse("5.188.11.7/24 ; SBL402809", d, asn, tag).ok());
  CHECK_FALSE(p.parse("{\"cidr\":", d, asn, tag).ok());
}

TEST_CASE("Import excerpts, then look addresses up in the mapped table", "[net]") {
  NetImportOptions opt;
  opt.rir = {data("apnic-excerpt.txt"), data("arin-extended-excerpt.txt")};
  opt.pfx2as = {data("ipasn6-excerpt.dat.gz")};
  opt.ip2asn = {data("ip2asn-excerpt.tsv")};
  opt.drop = {data("drop-excerpt.txt"), data("asn-drop-excerpt.json")};
  std::string path = temp_path("excerpt.table");
  Diagnostics diag("test");
  Result<NetImportStats> stats = import_net_table(opt, path, diag);
  REQUIRE(stats.ok());
  CHECK(stats->errors == 0);
  CHECK(stats->files == 6);
  Result<NetTable> table = NetTable::open(path);
  REQUIRE(table.ok());
  CHECK(table->sources().find("ipasn6-excerpt.dat.gz") != std::string_view::npos);

  // BGP prefix and AS from pyasn; country/registry from the APNIC file.
  auto a = table->lookup(ip("1.0.4.77"));
  REQUIRE(a);
  CHECK(a->cidr_text() == "1.0.4.0/24");
  CHECK(a->asn == 56203);
  CHECK(a->source == "bgp");
  CHECK(a->rir == "apnic");
  CHECK(a->cc == "AU");
  // ip2asn's single address inside Cloudflare's range: the /32 wins.
  auto one = table->lookup(ip("1.1.1.1"));
  REQUIRE(one);
  CHECK((one->cidr_text() == "1.1.1.1/32" && one->asn == 7497 && one->source == "ip2asn"));
  CHECK(one->as_name == "CSTNET-AS-AP Computer Network Information Center");
  // Registry only: ARIN 3.0.0.0 + 4194304 addresses, with its opaque id.
  auto arin = table->lookup(ip("3.1.2.3"));
  REQUIRE(arin);
  CHECK(arin->source == "rir");
  CHECK(arin->cidr_text() == "3.0.0.0/10");
  CHECK(arin->range_text() == "3.0.0.0-3.63.255.255");
  CHECK(arin->org_id == "4a8a91b5b89d3f900098ebf73ca0b118");
  // DROP tag.
  auto dropped = table->lookup(ip("1.10.16.1"));
  REQUIRE(dropped);
  CHECK(dropped->drop_tags() == std::vector<std::string_view>{"drop:SBL256894"});
  // IPv6 and an IPv4-mapped address.
  auto v6 = table->lookup(ip("2001:200:136::1"));
  REQUIRE(v6);
  CHECK((v6->cidr_text() == "2001:200:136::/48" && v6->asn == 9367));
  auto mapped = table->lookup(ip("::ffff:1.0.4.77"));
  REQUIRE(mapped);
  CHECK(mapped->asn == 56203);
  CHECK_FALSE(table->lookup(ip("240.0.0.1")));
  ::unlink(path.c_str());
}

TEST_CASE("A malformed data line is counted; strict import fails", "[net]") {
  std::string bad = temp_path("bad-rir.txt");
  {
    std::ofstream f(bad);
    f << "2|apnic|20140701|3|19850701|20140630|+1000\n"
      << "apnic|AU|ipv4|1.0.0.0|256|20110811|assigned\n"
      << "apnic|CN|ipv4|1.0.1.x|256|20110414|allocated\n"
      << "apnic|CN|ipv4|1.0.2.0|512|20110414|allocated\n";
  }
  NetImportOptions opt;
  opt.rir = {bad};
  std::string path = temp_path("bad.table");
  Diagnostics diag("test", 0);
  Result<NetImportStats> stats = import_net_table(opt, path, diag);
  REQUIRE(stats.ok());
  CHECK(stats->errors == 1);
  CHECK(stats->entries == 2);
  CHECK(diag.warnings() == 1);
  opt.strict = true;
  Result<NetImportStats> strict = import_net_table(opt, temp_path("strict.table"), diag);
  REQUIRE_FALSE(strict.ok());
  CHECK(strict.error().find("bad-rir.txt:3") != std::string::npos);
  ::unlink(bad.c_str());
  ::unlink(path.c_str());
}

TEST_CASE("A damaged or foreign table is refused", "[net]") {
  std::string path = temp_path("damaged.table");
  NetImportOptions opt;
  opt.pfx2as = {data("ipasn6-excerpt.dat.gz")};
  Diagnostics diag("test");
  REQUIRE(import_net_table(opt, path, diag).ok());
  std::string bytes;
  {
    std::ifstream f(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(f), {});
  }
  auto write = [&](const std::string &b) { std::ofstream(path, std::ios::binary) << b; };
  std::string truncated = bytes.substr(0, bytes.size() - 64);
  write(truncated);
  CHECK_FALSE(NetTable::open(path).ok());
  std::string corrupt = bytes;
  const auto *h = reinterpret_cast<const netfile::Header *>(bytes.data());
  // Point a top-level trie entry at a chunk that does not exist.
  std::uint32_t evil = 0x80000000u | 0x7ffffff0u;
  std::memcpy(&corrupt[h->sections[netfile::kV4Top].offset + 4 * 7], &evil, 4);
  write(corrupt);
  Result<NetTable> t = NetTable::open(path);
  REQUIRE_FALSE(t.ok());
  CHECK(t.error().find("damaged") != std::string::npos);
  write("#!/bin/sh\necho not a table\n" + std::string(400, 'x'));
  CHECK_FALSE(NetTable::open(path).ok());
  CHECK_FALSE(NetTable::open(temp_path("missing.table")).ok());
  ::unlink(path.c_str());
}
