// The explain context a recording stores: written, read back unchanged;
// a damaged line is named; the third-party finding reads the inventory.
#include "explain_context.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace netdrop {
namespace {

ExplainInput sample() {
  ExplainInput in{.seconds = 10.25, .ring_kb = 256};
  in.sysctls["net.core.rmem_max"] = "212992";
  in.before["UdpRcvbufErrors"] = 5;
  in.after["UdpRcvbufErrors"] = 35;
  in.after["dev.eth0.rx_dropped"] = 7;
  in.rules_before.push_back(
      NftRule{"inet", "filter", "input", 4, "ip saddr 10.0.2.8 counter packets 3 bytes 180 drop", true, true, 3});
  in.rules_after.push_back(
      NftRule{"inet", "filter", "input", 4, "ip saddr 10.0.2.8 counter packets 9 bytes 540 drop", true, true, 9});
  in.sockets.push_back(ExplainSocket{.proto = "udp",
                                     .addr = "0.0.0.0",
                                     .port = 9006,
                                     .netns = 42,
                                     .rcvbuf = 4608,
                                     .queued = 4352,
                                     .drops = 30,
                                     .inode = 777,
                                     .pid = 321,
                                     .owner = "slow\treader"});
  in.sockets.push_back(ExplainSocket{.proto = "tcp", .state = "listen", .addr = "::", .port = 80, .netns = 42});
  in.hooks.push_back(ExplainHook{.function = "net_hook_in_v4",
                                 .module = "resguard_linux",
                                 .family = "ipv4",
                                 .hook = "local-in",
                                 .priority = 1,
                                 .third_party = true,
                                 .taint = "out-of-tree, unsigned",
                                 .netns = 42});
  in.hooks.push_back(ExplainHook{.function = "iptable_filter_hook",
                                 .module = "iptable_filter",
                                 .family = "ipv4",
                                 .hook = "local-in",
                                 .table = "filter",
                                 .priority = 0,
                                 .xtables = true,
                                 .netns = 42});
  return in;
}

TEST(ExplainContext, RoundTrip) {
  ExplainInput in = sample();
  std::map<std::string, std::string> taints{{"resguard_linux", "OE"}, {"iptable_filter", ""}};
  std::string text = format_explain_context(in, taints);
  ExplainInput back;
  std::map<std::string, std::string> taints_back;
  parse_explain_context(text, back, taints_back);
  EXPECT_DOUBLE_EQ(back.seconds, 10.25);
  EXPECT_EQ(back.ring_kb, 256U);
  EXPECT_EQ(back.sysctls, in.sysctls);
  EXPECT_EQ(back.before, in.before);
  EXPECT_EQ(back.after, in.after);
  ASSERT_EQ(back.rules_after.size(), 1U);
  EXPECT_EQ(back.rules_after[0].handle, 4U);
  EXPECT_EQ(back.rules_after[0].packets, 9U);
  EXPECT_TRUE(back.rules_after[0].drops);
  EXPECT_EQ(back.rules_after[0].text, in.rules_after[0].text);
  ASSERT_EQ(back.sockets.size(), 2U);
  EXPECT_EQ(back.sockets[0].owner, "slow reader");  // a tab in a field is a space
  EXPECT_EQ(back.sockets[0].queued, 4352U);
  EXPECT_EQ(back.sockets[0].inode, 777U);
  EXPECT_EQ(back.sockets[1].state, "listen");
  EXPECT_EQ(back.sockets[1].addr, "::");
  ASSERT_EQ(back.hooks.size(), 2U);
  EXPECT_TRUE(back.hooks[0].third_party);
  EXPECT_EQ(back.hooks[0].taint, "out-of-tree, unsigned");
  EXPECT_EQ(back.hooks[1].priority, 0);
  EXPECT_TRUE(back.hooks[1].xtables);
  EXPECT_EQ(taints_back, taints);
  // What is read back writes the same text.
  EXPECT_EQ(format_explain_context(back, taints_back), format_explain_context(
                                                           [&] {
                                                             ExplainInput x = in;
                                                             x.sockets[0].owner = "slow reader";
                                                             return x;
                                                           }(),
                                                           taints));
}

TEST(ExplainContext, DamageIsNamedUnknownLinesAreSkipped) {
  ExplainInput in;
  std::map<std::string, std::string> t;
  EXPECT_NO_THROW(parse_explain_context("future\tkind\twith\tfields\nwindow\t1.5\t64\n", in, t));
  EXPECT_DOUBLE_EQ(in.seconds, 1.5);
  try {
    parse_explain_context("window\t1\t64\nbefore\tUdpInErrors\tlots\n", in, t);
    FAIL() << "a counter that is not a number was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
  EXPECT_THROW(parse_explain_context("socket\tudp\n", in, t), std::invalid_argument);
  EXPECT_THROW(parse_explain_context("rule\tmiddle\tip\tt\tc\t1\t1\t1\t1\tdrop\n", in, t), std::invalid_argument);
}

TEST(ExplainContext, ThirdPartyFindingNamesTheOtherHooks) {
  ExplainInput in = sample();
  ExplainDrop d;
  d.function = "nf_hook_slow";
  d.reason = "NETFILTER_DROP";
  d.netns = 42;
  d.family = "ipv4";
  d.proto = "tcp";
  d.src = "10.0.2.8";
  d.dst = "10.0.0.3";
  d.dport = 20202;
  d.hook = in.hooks[0];
  in.drops.assign(3, d);
  auto f = explain(in);
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f[0].kind, "third-party-hook");
  std::string ev;
  for (const auto& e : f[0].evidence) ev += e + "\n";
  EXPECT_NE(ev.find("the other hooks at ipv4 local-in: iptable_filter_hook [iptable_filter] (iptables filter, "
                    "priority 0, runs before it: passed them)"),
            std::string::npos)
      << ev;
}

}  // namespace
}  // namespace netdrop

namespace netdrop {
namespace {

// A driver that counts its losses only in ethtool -S: an unexplained
// finding of its own; where the device's counters moved too, one finding,
// with the driver's statistics as evidence.
TEST(ExplainDriver, EthtoolOnlyLossIsItsOwnFinding) {
  ExplainInput in{.seconds = 10};
  in.before["ethtool.eth0.rx_queue_0_drops"] = 100;
  in.after["ethtool.eth0.rx_queue_0_drops"] = 112;
  in.before["ethtool.eth0.rx_queue_0_packets"] = 1;
  in.after["ethtool.eth0.rx_queue_0_packets"] = 900;
  in.before["ethtool.eth0.100.rx_drops"] = 0;  // a VLAN: not eth0's
  in.after["ethtool.eth0.100.rx_drops"] = 0;
  auto f = explain(in);
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].kind, "unexplained");
  EXPECT_EQ(f[0].count, 12U);
  EXPECT_EQ(f[0].keys.at("device"), "eth0");
  EXPECT_EQ(f[0].keys.at("counter"), "ethtool.eth0.rx_queue_0_drops");
  EXPECT_EQ(f[0].keys.at("layer"), "the driver (ethtool -S)");
  ASSERT_FALSE(f[0].evidence.empty());
  EXPECT_EQ(f[0].evidence[0], "ethtool -S eth0: rx_queue_0_drops +12");

  in.before["dev.eth0.rx_dropped"] = 3;
  in.after["dev.eth0.rx_dropped"] = 15;
  f = explain(in);
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].keys.at("counter"), "dev.eth0.rx_dropped");
  std::string ev;
  for (const auto& e : f[0].evidence) ev += e + "\n";
  EXPECT_NE(ev.find("ethtool -S eth0: rx_queue_0_drops +12"), std::string::npos) << ev;
}

}  // namespace
}  // namespace netdrop
