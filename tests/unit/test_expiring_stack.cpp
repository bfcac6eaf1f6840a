#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "maillog/expiring_stack.hpp"

using namespace spamflow;

namespace {
struct Value {
  int n = 0;
  void reset() { n = 0; }
};
using Stack = ExpiringStack<Value>;
} // namespace

// Hosts are found by a word of their first bytes among the first 16, by
// hash after that: names that share long prefixes, differ only in length
// or past the eighth byte, and more hosts than the short list holds.
TEST_CASE("each host name has one state of its own", "[expiring]") {
  Stack stack(60, 5, 100, [](Stack::Entry &, Stack::Reason) {});
  std::vector<std::string> names = {
      "mx", "mx1", "mx1.", "mx1.example.org", "mx1.example.net", "mx2.example.org", "", "m"};
  for (int i = 0; i < 30; ++i)
    names.push_back("mailserver-" + std::to_string(i) + ".example.org");
  std::vector<Stack::HostState *> states;
  for (const auto &n : names)
    states.push_back(&stack.host(n));
  CHECK(std::set<Stack::HostState *>(states.begin(), states.end()).size() == names.size());
  for (int round = 0; round < 3; ++round)
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::string copy = names[i]; // another buffer, same text
      REQUIRE(&stack.host(copy) == states[i]);
      REQUIRE(states[i]->name == names[i]);
    }
}

TEST_CASE("entries leave by host clock: ready after linger, pending after ttl", "[expiring]") {
  std::vector<std::string> emitted;
  Stack stack(60, 5, 100, [&](Stack::Entry &e, Stack::Reason why) {
    emitted.push_back(e.key + (why == Stack::Reason::kTtl ? ":ttl" : ":done"));
  });
  auto &a = stack.host("a");
  auto &b = stack.host("b");
  stack.touch(stack.create(a, "a1"), 100, true);  // complete
  stack.touch(stack.create(a, "a2"), 100, false); // still assembling
  stack.touch(stack.create(b, "b1"), 100, true);
  stack.advance(a, 104);
  CHECK(emitted.empty());
  stack.advance(a, 105);
  CHECK(emitted == std::vector<std::string>{"a1:done"});
  stack.advance(a, 160);
  CHECK(emitted.size() == 1);
  stack.advance(a, 161); // b's clock has not moved: b1 stays
  CHECK(emitted == std::vector<std::string>{"a1:done", "a2:ttl"});
  CHECK(stack.find("b1") != nullptr);
  CHECK(stack.find("a1") == nullptr);
  stack.flush_all();
  CHECK(emitted.back() == "b1:done");
  CHECK(stack.size() == 0);
}
