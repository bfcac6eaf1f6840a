// The report tables computed from one scan (report_scan.hpp) and from the
// ban and flag tables of banwrite's database. Column names are part of the
// interface: report(1) documents them, golden files pin them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "report/report_model.hpp"
#include "report/report_query.hpp"
#include "report/report_scan.hpp"
#include "store/db.hpp"

namespace spamflow {

struct BanSummary {
  std::int64_t active = 0, added = 0, removed = 0;
};

ReportTable summary_table(const ScanData &d, const BanSummary &bans);
ReportTable reasons_table(const ScanData &d);
ReportTable country_table(const ScanData &d, int top);
ReportTable network_table(const ScanData &d, int top, const std::vector<BanRange> &bans);
ReportTable week_table(const ScanData &d);
ReportTable series_table(const ScanData &d, const ZoneConverter *zone);
ReportTable senders_table(const ScanData &d);
ReportTable servers_table(const ScanData &d);

Result<BanSummary> ban_summary(Db &db, std::int64_t since, std::int64_t until);
Result<std::vector<BanRange>> active_ban_ranges(Db &db);
Result<std::vector<ReportBanMark>> ban_marks(Db &db, std::int64_t since, std::int64_t until);
Result<ReportTable> ban_effect_table(Db &db, std::int64_t since, std::int64_t until, int top);
Result<ReportTable> slipped_table(Db &db, std::int64_t since, std::int64_t until,
                                  const NetTable *table);

// "2014-09-29T08:00:00-04:00" in the zone (or UTC when zone is null).
std::string report_time_text(std::int64_t t, const ZoneConverter *zone);
// "2014-09-29 08:00" (UTC when zone is null): for people, in notes and pages.
std::string report_time_short(std::int64_t t, const ZoneConverter *zone);

} // namespace spamflow
