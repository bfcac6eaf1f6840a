#include <catch2/catch.hpp>

#include <simdjson.h>

#include "report/report_period.hpp"
#include "report/report_query.hpp"
#include "report/report_writer.hpp"
#include "store/ban_store.hpp"

using namespace spamflow;

namespace {

// 2014-09-29 (a Monday) 00:00:00 UTC.
constexpr std::int64_t kMonday = 1411948800;

StoredRecord record(const char *ip, std::int64_t t, const char *verdict, const char *host = "mx1",
                    const char *name = "") {
  StoredRecord r;
  r.kind = "message";
  r.host = host;
  r.has_time = true;
  r.first = r.last = t;
  r.client = IpAddress::parse(ip).value();
  r.client_name = name;
  r.verdict = verdict;
  r.nrcpts = 2;
  r.reasons_json = std::string(verdict) == "spam" ? R"(["dnsbl:zen","pool_name"])" : "[]";
  return r;
}

BanStore fixture() {
  BanStore store = BanStore::open(":memory:").value();
  // Monday: 10 spam from 192.0.2.0/24, 2 ham; Sunday: 1 spam.
  for (int i = 0; i < 10; ++i)
    REQUIRE(store.add_record(record(("192.0.2." + std::to_string(i + 1)).c_str(),
                                    kMonday + 3600 * 9 + i, "spam", "mx1",
                                    "dsl-192-0-2-1.dyn.example.net")));
  REQUIRE(store.add_record(
      record("198.51.100.7", kMonday + 3600 * 10, "ham", "mx2", "mail.example.org")));
  REQUIRE(store.add_record(record("198.51.100.8", kMonday + 3600 * 11, "ham", "mx2")));
  REQUIRE(store.add_record(record("203.0.113.9", kMonday + 6 * 86400 + 3600 * 14, "spam", "mx1")));
  BanEvent ban;
  ban.target = ban.network = IpNetwork::parse("192.0.2.0/24").value();
  ban.reason = "network";
  ban.start = kMonday + 3600 * 12;
  ban.until = ban.start + 86400;
  REQUIRE(store.add_ban_event(ban, ban.start));
  REQUIRE(store.commit());
  return store;
}

const ReportTable &table(const Report &r, const char *name) {
  const ReportTable *t = r.find(name);
  REQUIRE(t != nullptr);
  return *t;
}

std::int64_t summary_value(const Report &r, const char *metric) {
  for (const auto &row : table(r, "summary").rows)
    if (std::get<std::string>(row[0]) == metric) return std::get<std::int64_t>(row[1]);
  FAIL("no metric " << metric);
  return -1;
}

} // namespace

TEST_CASE("report: time bounds in forms 7d, yesterday, dates, RFC 3339", "[report]") {
  ZoneConverter utc("UTC");
  std::int64_t now = kMonday + 3600 * 15;
  CHECK(parse_report_time("7d", now, utc, false).value() == now - 7 * 86400);
  CHECK(parse_report_time("12h", now, utc, false).value() == now - 12 * 3600);
  CHECK(parse_report_time("today", now, utc, false).value() == kMonday);
  CHECK(parse_report_time("yesterday", now, utc, false).value() == kMonday - 86400);
  CHECK(parse_report_time("yesterday", now, utc, true).value() == kMonday);
  CHECK(parse_report_time("2014-09-29", now, utc, false).value() == kMonday);
  CHECK(parse_report_time("2014-09-29", now, utc, true).value() == kMonday + 86400);
  CHECK(parse_report_time("2014-09-29T08:00:00-04:00", now, utc, false).value() ==
        kMonday + 12 * 3600);
  CHECK(parse_report_time("@1411948800", now, utc, false).value() == kMonday);
  ZoneConverter ny("America/New_York");
  CHECK(parse_report_time("2014-09-29", now, ny, false).value() == kMonday + 4 * 3600);
  for (const char *bad : {"", "7x", "d", "2014-02-30", "-3d", "tomorrow", "2014-13-01"})
    CHECK_FALSE(parse_report_time(bad, now, utc, false));
}

TEST_CASE("report: calendar helpers", "[report]") {
  CivilDate d = civil_from_days(days_from_civil(2014, 9, 29));
  CHECK((d.year == 2014 && d.month == 9 && d.day == 29));
  CHECK(weekday_from_days(days_from_civil(2014, 9, 29)) == 0);
  CHECK(weekday_from_days(days_from_civil(2014, 10, 5)) == 6);
  CHECK(weekday_from_days(days_from_civil(1969, 12, 31)) == 2);
}

TEST_CASE("report: banned share of a network counts overlapping bans once", "[report]") {
  auto net = parse_range("192.0.2.0/24").value();
  std::vector<BanRange> bans = {parse_range("192.0.2.0/25").value(),
                                parse_range("192.0.2.0/26").value(),
                                parse_range("10.0.0.0/8").value()};
  CHECK(covered_fraction(net, bans) == Approx(0.5));
  bans.push_back(parse_range("192.0.0.0/16").value());
  CHECK(covered_fraction(net, bans) == Approx(1.0));
  CHECK(covered_fraction(parse_range("192.0.2.0-192.0.2.99").value(),
                         {parse_range("192.0.2.50/32").value()}) == Approx(0.01));
  CHECK_FALSE(parse_range("nonsense"));
}

TEST_CASE("report: tables from a small database", "[report]") {
  BanStore store = fixture();
  ReportOptions o;
  o.now = kMonday + 7 * 86400;
  auto r = build_report(store.db(), o);
  REQUIRE(r);
  CHECK(r->records == 13);
  CHECK(r->since == kMonday + 3600 * 9);
  CHECK(summary_value(*r, "spam") == 11);
  CHECK(summary_value(*r, "ham") == 2);
  CHECK(summary_value(*r, "recipients") == 26);
  CHECK(summary_value(*r, "clients") == 13);
  CHECK(summary_value(*r, "bans_active") == 1);
  CHECK(summary_value(*r, "bans_added") == 1);

  const ReportTable &week = table(*r, "time_week");
  CHECK(std::get<std::int64_t>(week.rows[0][static_cast<std::size_t>(week.column("h09"))]) == 10);
  CHECK(std::get<std::int64_t>(week.rows[6][static_cast<std::size_t>(week.column("spam"))]) == 1);
  CHECK(week.notes[0] == "Sunday/Monday spam ratio: 0.10 (Sunday 1, Monday 10).");

  const ReportTable &senders = table(*r, "senders");
  CHECK(std::get<std::string>(senders.rows[0][0]) == "pool");
  CHECK(std::get<std::int64_t>(senders.rows[0][2]) == 10);

  // Three hours of records before the ban: too little to compare (issue 22).
  const ReportTable &bans = table(*r, "bans");
  REQUIRE(bans.rows.size() == 1);
  CHECK(std::get<std::string>(bans.rows[0][0]) == "192.0.2.0/24");
  for (std::size_t col = 1; col <= 4; ++col)
    CHECK(std::holds_alternative<std::monostate>(bans.rows[0][col]));
  CHECK(bans.notes[0].find("1 of 1 bans have less than a day") == 0);

  const ReportTable &servers = table(*r, "servers");
  REQUIRE(servers.rows.size() == 2);
  CHECK(std::get<std::string>(servers.rows[1][0]) == "mx2");
  CHECK(table(*r, "slipped").rows.empty());
  CHECK_FALSE(table(*r, "slipped").notes.empty());
}

TEST_CASE("report: an empty period is a report of zero records", "[report]") {
  BanStore store = fixture();
  ReportOptions o;
  o.has_since = o.has_until = true;
  o.since = kMonday - 86400;
  o.until = kMonday;
  auto r = build_report(store.db(), o);
  REQUIRE(r);
  CHECK(r->records == 0);
  std::string text;
  make_text_writer({})->write(*r, text);
  CHECK(text.find("No records in this period.") != std::string::npos);
  // Where the records are instead, and how to count back from the last one.
  CHECK(empty_period_text(*r).find("records from 2014-09-29 09:00 to 2014-10-05 14:00 UTC") !=
        std::string::npos);
  CHECK(text.find("--anchor last") != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') <= 6);
}

TEST_CASE("report: presets are the last whole day, week and month", "[report]") {
  ZoneConverter utc("UTC");
  std::int64_t wednesday = kMonday + 2 * 86400 + 3600 * 15; // 2014-10-01 15:00
  auto day = preset_period("day", wednesday, utc).value();
  CHECK((day.since == kMonday + 86400 && day.until == kMonday + 2 * 86400));
  auto week = preset_period("week", wednesday, utc).value();
  CHECK((week.since == kMonday - 7 * 86400 && week.until == kMonday));
  auto month = preset_period("month", wednesday, utc).value();
  CHECK((month.since == days_from_civil(2014, 9, 1) * 86400 && month.until == kMonday + 2 * 86400));
  auto january = preset_period("month", days_from_civil(2015, 1, 10) * 86400, utc).value();
  CHECK(january.since == days_from_civil(2014, 12, 1) * 86400);
  CHECK_FALSE(preset_period("year", wednesday, utc));
}

TEST_CASE("report: the default period ends now, so later flags are in it", "[report]") {
  BanStore store = fixture();
  std::int64_t last = kMonday + 6 * 86400 + 3600 * 14;
  REQUIRE(store.db().exec("INSERT INTO flags(time,user,client_ip,host,qid,msgid,note) VALUES(" +
                          std::to_string(last + 86400) + ",'bob','192.0.2.1','mx1','q',NULL,'')"));
  ReportOptions o;
  o.now = last + 2 * 86400;
  auto r = build_report(store.db(), o);
  REQUIRE(r);
  CHECK(r->until == o.now);
  CHECK(table(*r, "slipped").rows.size() == 1);
  CHECK(r->current.flags == 1);

  // A period without it says that flags exist, not that spamflag is unused.
  o.has_until = true;
  o.until = last;
  r = build_report(store.db(), o);
  REQUIRE(r);
  REQUIRE(table(*r, "slipped").rows.empty());
  CHECK(table(*r, "slipped").notes[0].find("spamflag has recorded 1 in all") != std::string::npos);
}

TEST_CASE("report: ban effect compares a day or more on each side", "[report]") {
  BanStore store = BanStore::open(":memory:").value();
  // Spam from 192.0.2.0/24 for two days, a ban, then one day of ham.
  std::int64_t at = kMonday + 2 * 86400;
  for (int i = 0; i < 20; ++i)
    REQUIRE(store.add_record(
        record(("192.0.2." + std::to_string(i + 1)).c_str(), kMonday + i * 8640, "spam")));
  REQUIRE(store.add_record(record("198.51.100.8", at + 86400, "ham")));
  BanEvent ban;
  ban.target = ban.network = IpNetwork::parse("192.0.2.0/24").value();
  ban.reason = "network";
  ban.start = at;
  ban.until = at + 7 * 86400;
  REQUIRE(store.add_ban_event(ban, ban.start));
  REQUIRE(store.commit());
  ReportOptions o;
  o.now = at + 2 * 86400;
  o.reports = {"bans"};
  auto r = build_report(store.db(), o);
  REQUIRE(r);
  const ReportTable &bans = table(*r, "bans");
  REQUIRE(bans.rows.size() == 1);
  // One day each side (the records after the ban end a day after it).
  CHECK(std::get<double>(bans.rows[0][6]) == Approx(1.0));
  CHECK(std::get<std::int64_t>(bans.rows[0][4]) == 10); // the second day's ten spam
  CHECK(std::get<double>(bans.rows[0][3]) == Approx(-1.0));
}

TEST_CASE("report: writers keep hostile strings inert", "[report]") {
  CHECK(printable_text("a\x1b[31mb\x7f") == "a?[31mb?");
  CHECK(printable_text("x\xff") == "x\xEF\xBF\xBD");
  CHECK(printable_text("\xC2\x9B"
                       "2J") == "?2J");
  CHECK(display_width("\xC3\xA9t\xC3\xA9") == 3);

  BanStore store = BanStore::open(":memory:").value();
  REQUIRE(store.add_record(record("192.0.2.1", kMonday, "spam", "<script>\"a\",b&\n\xff")));
  REQUIRE(store.commit());
  auto r = build_report(store.db(), ReportOptions{});
  REQUIRE(r);

  std::string csv;
  make_csv_writer()->write(*r, csv);
  CHECK(csv.find("\"<script>\"\"a\"\",b&?\xEF\xBF\xBD\"") != std::string::npos);

  std::string json;
  make_json_writer()->write(*r, json);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  REQUIRE_FALSE(parser.parse(json).get(doc));
  std::string_view host;
  REQUIRE_FALSE(doc["tables"]["servers"]["rows"].at(0)["host"].get(host));
  CHECK(host == "<script>\"a\",b&\n\xEF\xBF\xBD");

  std::string text;
  WriterOptions wo;
  make_text_writer(wo)->write(*r, text);
  CHECK(text.find('\x1b') == std::string::npos);
  std::size_t start = 0, widest = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    widest = std::max(widest, display_width(text.substr(start, end - start)));
    start = end + 1;
  }
  CHECK(widest <= 80);
}

TEST_CASE("report: CSV neutralises formulas from the log and names each row's table", "[report]") {
  BanStore store = BanStore::open(":memory:").value();
  REQUIRE(store.add_record(record("192.0.2.1", kMonday, "spam", "=cmd|' /C calc'!A0")));
  REQUIRE(store.commit());
  ReportOptions o;
  o.reports = {"servers"};
  auto r = build_report(store.db(), o);
  REQUIRE(r);
  std::string one;
  make_csv_writer()->write(*r, one);
  CHECK(one.rfind("host,records,", 0) == 0); // one table: no table column
  CHECK(one.find("\r\n'=cmd|' /C calc'!A0,1,") != std::string::npos);

  o.reports = {"summary"}; // two tables: summary and reasons
  r = build_report(store.db(), o);
  REQUIRE(r);
  std::string two;
  make_csv_writer()->write(*r, two);
  CHECK(two.rfind("table,metric,value\r\nsummary,records,1\r\n", 0) == 0);
  CHECK(two.find("\r\n\r\ntable,reason,records,share\r\nreasons,dnsbl,1,1\r\n") !=
        std::string::npos);
  CHECK(two.find("\n#") == std::string::npos);
}

TEST_CASE("report: key figures against the previous period of the same length", "[report]") {
  BanStore store = fixture();
  ReportOptions o;
  o.has_since = o.has_until = true;
  o.since = kMonday + 6 * 86400; // Sunday: 1 spam; Saturday before it: nothing
  o.until = kMonday + 7 * 86400;
  o.compare_previous = true;
  auto r = build_report(store.db(), o);
  REQUIRE(r);
  CHECK(r->has_previous);
  CHECK((r->current.records == 1 && r->current.spam == 1 && r->current.clients == 1));
  CHECK(r->previous.records == 0);
  o.since = kMonday + 86400; // Tuesday..Sunday against the 6 days before: Monday's 12
  r = build_report(store.db(), o);
  REQUIRE(r);
  CHECK((r->previous.records == 12 && r->previous.spam == 10 && r->previous.clients == 12));
  CHECK(r->previous.bans_added == 1);
  std::string html;
  make_html_writer()->write(*r, html);
  CHECK(html.find("<span class=\"delta down\">-92%</span>") != std::string::npos); // 1 vs 12
}
