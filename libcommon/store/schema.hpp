// The database's schema, defined once: the DDL of the current version (what
// a new database is created with) and one step per older version that takes
// it to the next, all in schema.cpp. The version is PRAGMA user_version.
// Every table banwrite and spamflag use is here, under that one number.
//
// Adding version N + 1: change kCurrentSchemaSql to the new schema, write a
// step that takes version N to N + 1 (that version only), append it to the
// table of steps and bump kStoreSchemaVersion (a static_assert keeps the
// table and the number in step). Freeze version N's schema as
// tests/data/schema/vN.sql; test_schema.cpp then checks that every frozen
// version migrates to what a new database is.
#pragma once

#include "base/result.hpp"
#include "store/db.hpp"

namespace spamflow {

inline constexpr int kStoreSchemaVersion = 8;

// Brings the database to kStoreSchemaVersion: a new (version 0) database
// gets the current schema, an older one every step from its version on,
// in one transaction with the new version number (an error leaves it as it
// was). The version is read again once the write lock is held, so a second
// process that opened the same new database meanwhile finds it done. A
// database newer than this program is refused.
Result<bool> migrate_schema(Db &db);

} // namespace spamflow
