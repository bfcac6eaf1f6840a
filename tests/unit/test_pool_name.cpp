#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>

#include "classify/pool_name.hpp"

using spamflow::IpAddress;
using spamflow::PoolNameDetector;

namespace {

std::optional<IpAddress> addr(const char *text) {
  return *IpAddress::parse(text);
}

} // namespace

TEST_CASE("pool names: the address in its usual forms", "[pool_name]") {
  PoolNameDetector d;
  auto ip = addr("73.22.11.5");
  auto m = d.check("c-73-22-11-5.hsd1.ca.comcast.net", ip);
  CHECK(m.pool);
  CHECK(m.matches_client);
  CHECK(m.form == "decimal");
  CHECK(d.check("5.11.22.73.dyn.example.net", ip).form == "reversed");
  CHECK(d.check("ip073022011005.example.net", ip).form == "padded");
  CHECK(d.check("ip005011022073.example.net", ip).form == "padded");
  CHECK(d.check("dsl-22-11-5.example.net", ip).form == "partial");
  auto hex = d.check("p5DCC0A12.dip0.t-ipconnect.de", addr("93.204.10.18"));
  CHECK(hex.pool);
  CHECK(hex.form == "hex");
  CHECK(hex.matches_client);
  // Without the client's address, the generic shapes.
  CHECK(d.check("p5DCC0A12.dip0.t-ipconnect.de").form == "hex");
  CHECK(d.check("201-1-2-3.user.veloxzone.com.br").form == "decimal");
  CHECK(d.check("softbank126012034056.bbtec.net").form == "padded");
  // An embedded address that is someone else's still embeds one.
  auto other = d.check("c-73-22-11-5.hsd1.ca.comcast.net", addr("127.99.13.5"));
  CHECK(other.pool);
  CHECK_FALSE(other.matches_client);
}

TEST_CASE("pool names: words, static names and the provider's domain", "[pool_name]") {
  PoolNameDetector d;
  auto m = d.check("ppp1234.example.net");
  CHECK(m.pool);
  CHECK(m.pool_word == "ppp");
  CHECK_FALSE(d.check("dsl.example.net").pool); // a word without digits: a service host
  auto st = d.check("123-45-67-89.static.example.com", addr("123.45.67.89"));
  CHECK(st.embeds_address);
  CHECK_FALSE(st.pool);
  CHECK(st.static_word == "static");
  CHECK_FALSE(d.check("mail-1-2-3-4.example.com").pool);
  // The last two labels are the provider's: "dsl-provider.example" is no customer line.
  CHECK_FALSE(d.check("mx1.dsl-provider.example").pool);
  CHECK_FALSE(d.check("[127.0.0.1]").pool);
  CHECK_FALSE(d.check("").pool);
  CHECK(d.check("C-73-22-11-5.HSD1.CA.COMCAST.NET.").pool); // case and root dot
  // Configured words replace the built-in ones.
  PoolNameDetector custom({"kunde"}, {"static"});
  CHECK(custom.check("kunde123.example.de").pool);
  CHECK_FALSE(custom.check("ppp1234.example.net").pool);
}

TEST_CASE("pool names: the list of real-shaped names", "[pool_name]") {
  std::ifstream in(SPAMFLOW_SOURCE_DIR "/tests/data/pool_names.txt");
  REQUIRE(in);
  PoolNameDetector d;
  int pools = 0, others = 0, wrong = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string expect, name, ip_text;
    fields >> expect >> name >> ip_text;
    std::optional<IpAddress> ip;
    if (!ip_text.empty()) ip = *IpAddress::parse(ip_text);
    bool want = expect == "pool";
    (want ? pools : others)++;
    auto m = d.check(name, ip);
    if (m.pool != want) {
      ++wrong;
      UNSCOPED_INFO(expect << " " << name << " " << ip_text << ": got " << m.pool);
    }
    if (want && ip) CHECK(m.pool_word.size() + m.form.size() > 0);
  }
  CHECK(pools >= 100);
  CHECK(others >= 100);
  CHECK(wrong == 0);
}
