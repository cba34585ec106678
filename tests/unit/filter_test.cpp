#include "filter.hpp"

#include <gtest/gtest.h>

#include "test_util.hpp"

using namespace netdrop;

TEST(Cidr, ParsesV4AndV6) {
  Cidr c = parse_cidr("10.0.2.0/24");
  EXPECT_EQ(c.family, AF_INET);
  EXPECT_EQ(c.prefix, 24);
  Cidr h = parse_cidr("10.0.2.8");
  EXPECT_EQ(h.prefix, 32);
  Cidr v6 = parse_cidr("2001:db8::/33");
  EXPECT_EQ(v6.family, AF_INET6);
  EXPECT_EQ(v6.prefix, 33);
  EXPECT_EQ(parse_cidr("::1").prefix, 128);
}

TEST(Cidr, ClearsHostBits) {
  Cidr c = parse_cidr("10.0.2.8/24");
  EXPECT_EQ(c.addr[3], 0);
  Cidr z = parse_cidr("255.255.255.255/0");
  EXPECT_EQ(z.addr[0], 0);
}

TEST(Cidr, RejectsBadInput) {
  for (const char* bad : {"10.0.2.0/33", "10.0.2.0/", "10.0.2/24", "::/129", "host", "", "10.0.0.1/-1", "1.2.3.4/ 8"})
    EXPECT_THROW(parse_cidr(bad), UsageError) << bad;
  try {
    parse_cidr("10.0.0.1/33");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("10.0.0.1/33"), std::string::npos);
  }
}

TEST(Cidr, MatchesAtEdges) {
  uint8_t a[16] = {10, 0, 2, 255};
  EXPECT_TRUE(parse_cidr("10.0.2.0/24").contains(AF_INET, a));
  a[2] = 3;
  a[3] = 0;
  EXPECT_FALSE(parse_cidr("10.0.2.0/24").contains(AF_INET, a));
  EXPECT_TRUE(parse_cidr("0.0.0.0/0").contains(AF_INET, a));
  EXPECT_FALSE(parse_cidr("0.0.0.0/0").contains(AF_INET6, a));
  uint8_t b[16] = {0x20, 0x01, 0x0d, 0xb8, 0x7f, 0xff};
  EXPECT_TRUE(parse_cidr("2001:db8::/33").contains(AF_INET6, b));
  b[4] = 0x80;
  EXPECT_FALSE(parse_cidr("2001:db8::/33").contains(AF_INET6, b));
}

TEST(Ports, ParsesAndRejects) {
  auto r = parse_port_range("1000-2000");
  EXPECT_EQ(r.lo, 1000);
  EXPECT_EQ(r.hi, 2000);
  EXPECT_EQ(parse_port_range("0").hi, 0);
  EXPECT_EQ(parse_port_range("65535").lo, 65535);
  for (const char* bad : {"65536", "2000-1000", "-1", "1-", "a", "", "1-2-3", "80 "})
    EXPECT_THROW(parse_port_range(bad), UsageError) << bad;
}

TEST(Protocol, Names) {
  EXPECT_EQ(parse_protocol("tcp"), IPPROTO_TCP);
  EXPECT_EQ(parse_protocol("icmp6"), IPPROTO_ICMPV6);
  EXPECT_EQ(parse_protocol("47"), 47);
  EXPECT_THROW(parse_protocol("256"), UsageError);
  EXPECT_THROW(parse_protocol("tcpp"), UsageError);
}

TEST(FilterSpec, MatchesLikeTheKernel) {
  Drop d;
  d.raw = test::udp4_drop("10.0.2.8", "10.0.0.3", 40000, 9999);
  FilterSpec s;
  EXPECT_TRUE(s.matches(d));
  s.src = parse_cidr("10.0.2.0/24");
  s.dport = parse_port_range("9999");
  EXPECT_TRUE(s.matches(d));
  s.dport = parse_port_range("1-9998");
  EXPECT_FALSE(s.matches(d));
  s.dport.reset();
  s.port = parse_port_range("40000");
  EXPECT_TRUE(s.matches(d));
  s.proto = IPPROTO_TCP;
  EXPECT_FALSE(s.matches(d));
  s.proto.reset();
  s.dev = "eth1";
  EXPECT_FALSE(s.matches(d));
  s.dev = "eth0";
  s.reasons = {7, 3};
  EXPECT_TRUE(s.matches(d));
  s.locations = {{0xffffffff81b00000ULL, 0xffffffff81b00545ULL}};
  EXPECT_FALSE(s.matches(d));  // end is exclusive
  s.locations[0].end++;
  EXPECT_TRUE(s.matches(d));
}

TEST(FilterSpec, PortsNeverMatchIcmp) {
  Drop d;
  d.raw = test::udp4_drop("10.0.2.8", "10.0.0.3", 0, 0);
  d.raw.l4proto = IPPROTO_ICMP;
  FilterSpec s;
  s.port = parse_port_range("0");
  EXPECT_FALSE(s.matches(d));
}

TEST(FilterSpec, ToKernel) {
  FilterSpec s;
  s.host = parse_cidr("fd00::/64");
  s.sport = parse_port_range("1-2");
  s.reasons = {3};
  s.stack = true;
  s.hooks = true;
  s.snaplen = 1000;
  netdrop_filter f = s.to_kernel();
  EXPECT_EQ(f.size, sizeof(f));
  EXPECT_EQ(f.fields, NETDROP_F_HOST | NETDROP_F_SPORT | NETDROP_F_REASON);
  EXPECT_EQ(f.host.prefix, 64);
  EXPECT_EQ(f.nr_reasons, 1);
  EXPECT_EQ(f.options, NETDROP_OPT_STACK | NETDROP_OPT_HOOKS);
  EXPECT_EQ(f.snaplen, static_cast<uint32_t>(NETDROP_MAX_SNAPLEN));
  s.reasons.assign(NETDROP_MAX_REASONS + 1, 1);
  EXPECT_THROW((void)s.to_kernel(), UsageError);
}
