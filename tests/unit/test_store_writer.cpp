// banwrite's StoreWriter on a real SQLite file: a writer that never pauses
// still keeps its WAL bounded, and every record it was given is stored.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "store/ban_store.hpp"
#include "store/store_writer.hpp"
#include "temp_dir.hpp"

using namespace spamflow;
using spamflow::banwrite::StoreWriter;
using spamflow::testing::TempDir;

namespace {

std::uintmax_t file_size_or_zero(const std::string &path) {
  std::error_code ec;
  std::uintmax_t n = std::filesystem::file_size(path, ec);
  return ec ? 0 : n;
}

// A distinct client and a kilobyte of events a record: each commit of
// kPerCommit records dirties pages of the table and of its indexes.
void fill(StoredRecord &r, int n) {
  r = StoredRecord{};
  r.kind = "message";
  r.host = "mx1";
  r.qid = std::to_string(n);
  r.has_time = true;
  r.first = r.last = 1'780'000'000 + n;
  auto octet = [n](int shift) { return std::to_string(n >> shift & 255); };
  std::string ip = "10.";
  ip.append(octet(16)).append(".").append(octet(8)).append(".").append(octet(0));
  r.client = IpAddress::parse(ip).value();
  r.verdict = n % 3 == 0 ? "spam" : "ham";
  r.events_json = "[\"" + std::string(1000, static_cast<char>('a' + n % 26)) + "\"]";
}

} // namespace

TEST_CASE("a never-idle writer restarts its WAL once it holds WalPages::restart pages") {
  TempDir dir("storewriter");
  std::string db = dir.file("spam.db");
  constexpr int kCommits = 150, kPerCommit = 100;
  std::uintmax_t largest_wal = 0;
  {
    auto store = BanStore::open(db);
    REQUIRE(store);
    // 16 KiB pages: 16 pages for the checkpointer, 48 (768 KiB) for a restart.
    StoreWriter writer(std::move(*store), db, StoreWriter::WalPages{16, 48});
    int n = 0;
    for (int c = 0; c < kCommits; ++c) {
      for (int i = 0; i < kPerCommit; ++i) {
        fill(writer.record_slot(), n++);
        writer.keep_record();
      }
      // No pause: the next chunk is queued before the commit is written.
      REQUIRE(writer.submit(StoreWriter::Handover::kCommit));
      largest_wal = std::max(largest_wal, file_size_or_zero(db + "-wal"));
    }
    REQUIRE(writer.drain());
    CHECK(writer.error().empty());
    largest_wal = std::max(largest_wal, file_size_or_zero(db + "-wal"));
  }
  // 15,000 records of more than a kilobyte went through the WAL (over
  // 15 MB); restarting, it never held much more than 48 pages and a commit.
  INFO("largest WAL: " << largest_wal << " bytes");
  CHECK(largest_wal < std::uintmax_t{3} * 1024 * 1024);
  auto reopened = BanStore::open(db);
  REQUIRE(reopened);
  CHECK(reopened->db().query_int("SELECT count(*) FROM messages").value() ==
        std::int64_t{kCommits} * kPerCommit);
  auto check = reopened->db().prepare("PRAGMA integrity_check");
  REQUIRE(check);
  REQUIRE(check->step());
  CHECK(check->column_text(0) == "ok");
}
