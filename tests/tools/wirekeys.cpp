// Test driver for the wire key table, run by tests/cli/wire_keys.sh.
//   wirekeys table     stdout: "OBJECT KEY" for every key of the table
//   wirekeys emitted   stdin: JSON lines the tools wrote; stdout: "OBJECT KEY"
//                      for every key they hold, each once, sorted; an object
//                      the format does not know is named by its path ("?…")
// An object is named as in the table: a ban event (kind "ban") is "ban", a
// flag event (kind "flag") "flag", a netlookup --json answer (no kind, an
// "ip") "answer" with its net keys under "net"; in a record, client, auth,
// tls, spamd, class and net are objects and rcpts, rejects and links hold
// rcpt, reject and link items.
#include <cstdio>
#include <iostream>
#include <set>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "wire/wire_keys.hpp"

using namespace spamflow;

namespace {

using Seen = std::set<std::pair<std::string, std::string>>;

// The object name of a record's member that is an object (or holds
// objects): "" when the member holds none.
std::string member_object(std::string_view key) {
  if (key == "rcpts") return "rcpt";
  if (key == "rejects") return "reject";
  if (key == "links") return "link";
  for (std::string_view o : {"client", "auth", "tls", "spamd", "class", "net"})
    if (key == o) return std::string(o);
  return "";
}

void add_object(simdjson::dom::object obj, const std::string &name, Seen &seen);

// A value inside an object named `parent`: nested objects and arrays of
// objects are objects of their own.
void add_value(simdjson::dom::element v, const std::string &parent, std::string_view key,
               Seen &seen) {
  std::string name = parent == "record" ? member_object(key) : "";
  if (name.empty()) name = "?" + parent + "." + std::string(key);
  simdjson::dom::object obj;
  simdjson::dom::array arr;
  if (v.get(obj) == simdjson::SUCCESS) {
    add_object(obj, name, seen);
  } else if (v.get(arr) == simdjson::SUCCESS) {
    for (simdjson::dom::element item : arr)
      if (item.get(obj) == simdjson::SUCCESS) add_object(obj, name, seen);
  }
}

void add_object(simdjson::dom::object obj, const std::string &name, Seen &seen) {
  for (auto field : obj) {
    std::string key(field.key);
    // netlookup's answer holds the net keys at its top level.
    bool net_key = name == "answer" && key != "ip" && key != "error";
    seen.emplace(net_key ? "net" : name, key);
    add_value(field.value, name, key, seen);
  }
}

// The object a top-level line is.
std::string line_object(simdjson::dom::object obj) {
  std::string_view kind;
  if (obj["kind"].get(kind) == simdjson::SUCCESS) {
    if (kind == "ban" || kind == "flag") return std::string(kind);
    return "record";
  }
  return obj["ip"].error() == simdjson::SUCCESS ? "answer" : "?line";
}

int emitted() {
  simdjson::dom::parser parser;
  Seen seen;
  std::string line;
  while (std::getline(std::cin, line)) {
    simdjson::dom::object obj;
    if (line.empty()) continue;
    if (parser.parse(line).get(obj) != simdjson::SUCCESS) {
      std::fprintf(stderr, "wirekeys: not a JSON object: %.80s\n", line.c_str());
      return 1;
    }
    add_object(obj, line_object(obj), seen);
  }
  for (const auto &[object, key] : seen)
    std::printf("%s %s\n", object.c_str(), key.c_str());
  return 0;
}

} // namespace

int main(int argc, char **argv) {
  std::string_view mode = argc == 2 ? argv[1] : "";
  if (mode == "table") {
    for (const wire::KeyEntry &e : wire::kWireKeys)
      std::printf("%.*s %.*s\n", static_cast<int>(e.object.size()), e.object.data(),
                  static_cast<int>(e.key.size()), e.key.data());
    return 0;
  }
  if (mode == "emitted") return emitted();
  std::fprintf(stderr, "usage: wirekeys table | wirekeys emitted < lines\n");
  return 64;
}
