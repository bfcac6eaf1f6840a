#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "spamflow/db.hpp"

using spamflow::Db;

namespace {

std::vector<std::string> all_rows(Db &db) {
  std::vector<std::string> out;
  auto st = db.prepare("SELECT coalesce(a, 'NULL') || '|' || coalesce(b, 'NULL') || '|' ||"
                       " typeof(b) FROM t ORDER BY rowid")
                .value();
  while (st.step())
    out.push_back(st.column_text(0));
  return out;
}

} // namespace

TEST_CASE("Statement: kept binds hold across runs and give way to other binds", "[db]") {
  auto db = Db::open(":memory:").value();
  REQUIRE(db.exec("CREATE TABLE t(a, b)"));
  auto st = db.prepare("INSERT INTO t VALUES(?1, ?2)").value();
  std::string first_text = "x", second_text = "y";

  st.bind_kept(1, 7).bind_kept_static(2, "spam");
  REQUIRE(st.run_rebound());
  st.bind_kept(1, 7).bind_kept_static(2, "spam"); // both left as they are
  REQUIRE(st.run_rebound());
  st.bind_kept(1, 8).bind_ref(2, first_text); // a text by reference replaces the literal
  REQUIRE(st.run_rebound());
  st.bind_kept_null(1).bind_ref(2, second_text);
  REQUIRE(st.run_rebound());
  st.bind_kept_null(1).bind_kept_static(2, "spam"); // the literal again after a ref
  REQUIRE(st.run_rebound());
  st.bind(1, std::int64_t{9}).bind_kept_null(2);
  REQUIRE(st.run_rebound());
  st.bind_kept_null(1).bind_kept_null(2); // ?1 held null before the plain bind of 9
  REQUIRE(st.run_rebound());
  st.bind_kept(1, 5).bind_kept_null(2);
  REQUIRE(st.run_rebound());
  // reset() clears the bindings, and what the statement knew of them.
  st.reset();
  st.bind_kept(1, 5).bind_kept(2, 3);
  REQUIRE(st.run_rebound());

  CHECK(all_rows(db) == std::vector<std::string>{"7|spam|text", "7|spam|text", "8|x|text",
                                                 "NULL|y|text", "NULL|spam|text", "9|NULL|null",
                                                 "NULL|NULL|null", "5|NULL|null", "5|3|integer"});
}

TEST_CASE("Statement: a kept bind past the last parameter is refused by SQLite, not by memory",
          "[db]") {
  auto db = Db::open(":memory:").value();
  REQUIRE(db.exec("CREATE TABLE t(a, b)"));
  auto st = db.prepare("INSERT INTO t VALUES(?1, ?2)").value();
  st.bind_kept(1, 1).bind_kept(2, 2).bind_kept(3, 3).bind_kept_null(0);
  REQUIRE(st.run_rebound());
  CHECK(all_rows(db) == std::vector<std::string>{"1|2|integer"});
}
