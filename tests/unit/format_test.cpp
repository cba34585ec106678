#include "format.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <sstream>

#include "filter.hpp"
#include "summary.hpp"
#include "test_util.hpp"

using namespace netdrop;

namespace {

struct Fixture : ::testing::Test {
  Symbolizer symbols = Symbolizer::from_text(R"(ffffffff81a00000 T nf_hook_slow
ffffffff81a00200 T nf_hook_slow_list
ffffffff81b00000 t __udp4_lib_rcv
ffffffff81b01000 T udp_rcv
ffffffffc0a00000 t net_hook_in_v4	[resguard_linux]
ffffffffc0a00100 t other	[resguard_linux]
)");
  ViewContext ctx;
  Drop d;

  void SetUp() override {
    ctx.symbols = &symbols;
    ctx.reason_names = {{3, "NO_SOCKET"}, {11, "NETFILTER_DROP"}};
    ctx.realtime_offset_ns = 1'700'000'000'000'000'000LL;
    ctx.utc = true;
    d.raw = test::udp4_drop("10.0.2.8", "10.0.0.3", 40000, 9999);
  }
};

}  // namespace

TEST_F(Fixture, TextGolden) {
  EXPECT_EQ(format_text(d, ctx),
            "22:13:21.000000123 cpu1 __udp4_lib_rcv+0x545 NO_SOCKET udp 10.0.2.8:40000 > 10.0.0.3:9999 dev eth0 "
            "netns 4026532211");
}

TEST_F(Fixture, JsonGolden) {
  EXPECT_EQ(format_json(d, ctx),
            R"({"ts":"2023-11-14T22:13:21.000000123Z","cpu":1,"type":"drop","location":"__udp4_lib_rcv+0x545",)"
            R"("function":"__udp4_lib_rcv","module":"","reason":"NO_SOCKET","reason_value":3,"family":"ipv4",)"
            R"("proto":"udp","src":"10.0.2.8","dst":"10.0.0.3","sport":40000,"dport":9999,"ifname":"eth0",)"
            R"("ifindex":2,"netns":4026532211,"len":28,"pid":42,"comm":"python3","context":"task","seq":0,"mark":0})");
}

TEST_F(Fixture, HookAttributionInTextAndJson) {
  d.raw.location = 0xffffffff81a000f3ULL;
  d.raw.reason = 11;
  d.raw.l4proto = IPPROTO_TCP;
  d.raw.tcp_flags = 0x02;
  d.raw.hdr.flags |= NETDROP_RF_HOOK;
  d.raw.hook = {0xffffffffc0a00000ULL, 1, 2 /* NFPROTO_IPV4 */, 1 /* LOCAL_IN */, 0, 0};
  netdrop_hook_names n{};
  std::strcpy(n.func, "net_hook_in_v4");
  std::strcpy(n.module, "resguard_linux");
  d.hook_names = n;
  std::string text = format_text(d, ctx);
  EXPECT_NE(text.find("nf_hook_slow+0xf3 NETFILTER_DROP tcp 10.0.2.8:40000 > 10.0.0.3:9999 [S]"), std::string::npos)
      << text;
  EXPECT_NE(text.find("hook ipv4 local-in prio 1 net_hook_in_v4 [resguard_linux]"), std::string::npos) << text;
  std::string json = format_json(d, ctx);
  EXPECT_NE(json.find(R"("tcp_flags":"S")"), std::string::npos);
  EXPECT_NE(json.find(R"("hook":{"function":"net_hook_in_v4","module":"resguard_linux","priority":1,)"
                      R"("family":"ipv4","hook":"local-in","type":"","table":"","chain":"","rule":0})"),
            std::string::npos)
      << json;
}

TEST_F(Fixture, StackFramesIndented) {
  uint64_t frames[2] = {0xffffffff81b00545ULL, 0xffffffffc0a00104ULL};
  d.stack_bytes = Bytes(reinterpret_cast<const std::byte*>(frames), sizeof(frames));
  std::string text = format_text(d, ctx);
  EXPECT_NE(text.find("\n    __udp4_lib_rcv+0x545\n    other+0x4 [resguard_linux]"), std::string::npos) << text;
  EXPECT_NE(format_json(d, ctx).find(R"("stack":["__udp4_lib_rcv+0x545","other+0x4 [resguard_linux]"])"),
            std::string::npos);
}

TEST_F(Fixture, Ipv6AndUnknowns) {
  d.raw.family = AF_INET6;
  std::memset(d.raw.saddr, 0, 16);
  d.raw.saddr[0] = 0xfd;
  d.raw.saddr[15] = 8;
  d.raw.reason = 999;
  d.raw.location = 0x1234;
  std::string text = format_text(d, ctx);
  EXPECT_NE(text.find("0x1234 REASON_999 udp [fd00::8]:40000 >"), std::string::npos) << text;
}

TEST(Json, EscapesControlAndQuotes) {
  std::string out;
  append_json_string(out, "a\"b\\c\n\x01\xff");
  EXPECT_EQ(out, R"("a\"b\\c\u000a\u0001\u00ff")");
}

TEST_F(Fixture, SummaryCountsAndSorts) {
  Summary by_loc(SummaryKey::location);
  Summary by_reason(SummaryKey::reason);
  for (int i = 0; i < 3; i++) by_loc.add(d, ctx), by_reason.add(d, ctx);
  Drop other = d;
  other.raw.location = 0xffffffff81a000f3ULL;
  other.raw.reason = 11;
  by_loc.add(other, ctx);
  auto rows = by_loc.rows(0);
  ASSERT_EQ(rows.size(), 2U);
  EXPECT_EQ(rows[0].key, "__udp4_lib_rcv+0x545 (NO_SOCKET)");
  EXPECT_EQ(rows[0].count, 3U);
  EXPECT_EQ(rows[1].key, "nf_hook_slow+0xf3 (NETFILTER_DROP)");
  EXPECT_EQ(by_loc.rows(1).size(), 1U);
  EXPECT_EQ(by_loc.total(), 4U);
  EXPECT_EQ(by_reason.rows(0)[0].key, "NO_SOCKET");
  EXPECT_THROW(parse_summary_key("nope"), UsageError);
}

namespace {

netdrop_ct dnat_ct() {
  netdrop_ct ct{};
  ct.status = 0x1a8;  // confirmed, dst-nat, src-nat-done, dst-nat-done
  ct.ctinfo = 2;      // IP_CT_NEW
  ct.tcp_state = 1;   // SYN_SENT
  ct.zone = 7;
  ct.mark = 0x2a;
  ct.family = AF_INET;
  ct.flags = NETDROP_CTF_MARK | NETDROP_CTF_ZONES;
  ct.orig = {.saddr = {}, .daddr = {}, .sport = 40000, .dport = 8080, .l4proto = IPPROTO_TCP, .pad = {}};
  inet_pton(AF_INET, "10.0.1.2", ct.orig.saddr);
  inet_pton(AF_INET, "10.0.2.8", ct.orig.daddr);
  ct.reply = {.saddr = {}, .daddr = {}, .sport = 80, .dport = 40000, .l4proto = IPPROTO_TCP, .pad = {}};
  inet_pton(AF_INET, "10.0.3.3", ct.reply.saddr);
  inet_pton(AF_INET, "10.0.1.2", ct.reply.daddr);
  return ct;
}

}  // namespace

// A DNAT'ed connection's drop: both tuples, so that the rewrite shows.
TEST_F(Fixture, ConntrackInTextAndJson) {
  d.raw.hdr.flags |= NETDROP_RF_CT;
  d.ct = dnat_ct();
  std::string text = format_text(d, ctx);
  EXPECT_NE(text.find(" ct new SYN_SENT zone 7 mark 0x2a orig tcp 10.0.1.2:40000>10.0.2.8:8080 "
                      "reply tcp 10.0.3.3:80>10.0.1.2:40000 dnat"),
            std::string::npos)
      << text;
  std::string json = format_json(d, ctx);
  EXPECT_NE(json.find(R"("ct":{"ctinfo":"new","untracked":false,"template":false,)"
                      R"("status":"confirmed,dst-nat,src-nat-done,dst-nat-done","status_value":424,)"
                      R"("state":"SYN_SENT","zone":7,"mark":42,"nat":"dnat","family":"ipv4",)"
                      R"("orig":{"proto":"tcp","src":"10.0.1.2","dst":"10.0.2.8","sport":40000,"dport":8080},)"
                      R"("reply":{"proto":"tcp","src":"10.0.3.3","dst":"10.0.1.2","sport":80,"dport":40000}})"),
            std::string::npos)
      << json;
}

TEST_F(Fixture, ConntrackUntracked) {
  netdrop_ct ct{};
  ct.ctinfo = NETDROP_CTINFO_UNTRACKED;
  ct.flags = NETDROP_CTF_UNTRACKED;
  d.ct = ct;
  std::string text = format_text(d, ctx);
  EXPECT_TRUE(text.ends_with(" ct untracked")) << text;
  EXPECT_NE(format_json(d, ctx).find(R"("ct":{"ctinfo":"untracked","untracked":true,)"), std::string::npos);
}
