#include "spamflag_run.hpp"

#include <cstdio>
#include <ctime>

#include "base/diagnostics.hpp"
#include "flag/flag_event.hpp"

namespace spamflow::spamflag {

namespace {

constexpr const char *kHint = "Forward the spam to this address as an attachment.";

void say(const std::string &text) {
  std::fprintf(stderr, "spamflag: %s\n", text.c_str());
}

// Reads at most limit + 1 bytes, so an oversized message is known as such.
Result<std::string> read_input(std::FILE *in, std::size_t limit) {
  std::string data;
  char buf[65536];
  while (data.size() <= limit) {
    std::size_t n = std::fread(buf, 1, sizeof buf, in);
    data.append(buf, n);
    if (n < sizeof buf) break;
  }
  if (std::ferror(in)) return make_error("cannot read standard input");
  return data;
}

// Database failures are transient for sendmail: EX_TEMPFAIL keeps the
// report in its queue, so it is retried rather than lost.
int database_failure(SpamflagStore *store, const std::string &what) {
  if (store) store->rollback();
  say(is_busy_error(what) ? "the database is busy, try again later (" + what + ")"
                          : "database error: " + what);
  return kExTempFail;
}

Result<std::vector<IpNetwork>> parse_relays(const std::vector<std::string> &specs) {
  std::vector<IpNetwork> out;
  for (const std::string &s : specs) {
    auto n = IpNetwork::parse(s, false);
    if (!n) return make_error("--relay " + s + ": " + n.error());
    out.push_back(*n);
  }
  return out;
}

// Over either hourly limit? Then the report waits in sendmail's queue.
Result<bool> over_rate(SpamflagStore &store, const Options &o, const std::string &user,
                       std::int64_t now) {
  auto mine = store.reports_since(user, now - 3600);
  if (!mine) return make_error(mine.error());
  if (*mine >= o.user_rate) {
    say("too many reports from " + user + " in the last hour (limit " +
        std::to_string(o.user_rate) + "); it will be retried later");
    return true;
  }
  auto all = store.reports_since("", now - 3600);
  if (!all) return make_error(all.error());
  if (*all >= o.total_rate) {
    say("too many reports in the last hour (limit " + std::to_string(o.total_rate) +
        "); it will be retried later");
    return true;
  }
  return false;
}

} // namespace

struct Outcome {
  std::vector<FlagReport> reports;
  bool any_flagged = false;
};

static Result<Outcome> match_all(SpamflagStore &store, const Options &o,
                                 std::vector<IpNetwork> relays, std::string_view input,
                                 const std::string &user, std::int64_t now) {
  MailMessage report = parse_message(input);
  std::vector<ForwardedMessage> forwarded = find_forwarded(report);
  Outcome out;
  Matcher matcher(store, o, std::move(relays));
  for (const ForwardedMessage &f : forwarded) {
    FlagReport r;
    r.time = now;
    r.user = user;
    auto ok = matcher.match(f, r);
    if (!ok) return make_error(ok.error());
    if (*ok) {
      auto dup = store.already_flagged(user, r.host, r.qid);
      if (!dup) return make_error(dup.error());
      r.status = *dup ? FlagReport::Status::kDuplicate : FlagReport::Status::kFlagged;
      out.any_flagged = true;
    } else {
      r.message = f.text;
    }
    out.reports.push_back(std::move(r));
  }
  if (forwarded.empty()) {
    FlagReport r;
    r.time = now;
    r.user = user;
    r.how = "none";
    r.reason = "no forwarded message found in the report";
    r.message = std::string(input);
    out.reports.push_back(std::move(r));
  }
  return out;
}

int run(const Options &o) {
  auto relays = parse_relays(o.relays);
  if (!relays) return say(relays.error()), kExUsage;
  auto input = read_input(stdin, o.max_size);
  if (!input) return say(input.error()), kExIoErr;
  if (input->size() > o.max_size) {
    say("the report is larger than " + std::to_string(o.max_size) +
        " bytes; forward only the spam, as an attachment");
    return kExDataErr;
  }
  std::string user = o.reporter;
  if (user.empty()) user = first_address(parse_message(*input).header("From"));
  if (user.empty()) user = "unknown";
  std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));

  auto store = SpamflagStore::open(o.db, o.busy_timeout_ms);
  if (!store) return database_failure(nullptr, store.error());
  if (auto b = store->begin(); !b) return database_failure(&*store, b.error());
  auto limited = over_rate(*store, o, user, now);
  if (!limited) return database_failure(&*store, limited.error());
  if (*limited) return store->rollback(), kExTempFail;
  auto outcome = match_all(*store, o, std::move(*relays), *input, user, now);
  if (!outcome) return database_failure(&*store, outcome.error());
  for (FlagReport &r : outcome->reports)
    if (auto ok = store->record(r); !ok) return database_failure(&*store, ok.error());
  if (auto c = store->commit(); !c) return database_failure(&*store, c.error());

  if (o.json)
    for (const FlagReport &r : outcome->reports)
      std::fputs(flag_event_json(r).c_str(), stdout);
  if (std::fflush(stdout) != 0) return kExIoErr;
  if (outcome->any_flagged) return kExOk;
  say(outcome->reports.front().reason + ". The report was kept for the postmaster. " + kHint);
  return kExDataErr;
}

} // namespace spamflow::spamflag
