#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "store/db.hpp"

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

TEST_CASE("Db::cached: one statement per SQL text, kept with its connection", "[db]") {
  auto db = Db::open(":memory:").value();
  REQUIRE(db.exec("CREATE TABLE t(a INTEGER, b TEXT)"));
  const std::string insert = "INSERT INTO t VALUES" + spamflow::sql_value_rows(2, 2);
  CHECK(insert == "INSERT INTO t VALUES(?1,?2),(?3,?4)");
  auto first = db.cached(insert);
  REQUIRE(first);
  REQUIRE((*first)->bind(1, 1).bind(2, "x").bind(3, 2).bind(4, "y").run_rebound());
  auto again = db.cached(insert);
  REQUIRE(again);
  CHECK(*again == *first); // the same statement, not prepared again
  REQUIRE((*again)->bind(1, 3).bind(2, "z").bind(3, 4).bind(4, "w").run_rebound());
  CHECK(db.query_int("SELECT count(*) FROM t").value() == 4);
  CHECK(db.query_int("SELECT sum(a) FROM t").value() == 10);
  CHECK_FALSE(db.cached("INSERT INTO nowhere VALUES(1)"));
  // A moved connection takes its statements along.
  Db moved = std::move(db);
  auto after = moved.cached(insert);
  REQUIRE(after);
  CHECK(*after == *first);
  REQUIRE((*after)->bind(1, 5).bind(2, "v").bind(3, 6).bind(4, "u").run_rebound());
  CHECK(moved.query_int("SELECT count(*) FROM t").value() == 6);
}
