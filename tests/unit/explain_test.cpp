// explain's findings on inputs shaped like the seed scenarios.
#include "explain.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sockets.hpp"

// Each case names only the fields it sets (designated initializers); the
// rest are their defaults on purpose.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace netdrop {
namespace {

ExplainDrop udp_drop(const std::string& src, const std::string& dst, uint16_t dport, const std::string& reason) {
  ExplainDrop d;
  d.function = "__udp4_lib_rcv";
  d.reason = reason;
  d.netns = 4026532209;
  d.ifname = "eth0";
  d.family = "ipv4";
  d.proto = "udp";
  d.src = src;
  d.dst = dst;
  d.sport = 40000;
  d.dport = dport;
  return d;
}

ExplainDrop hook_drop(const std::string& src, ExplainHook h) {
  ExplainDrop d = udp_drop(src, "10.0.0.3", 20202, "NETFILTER_DROP");
  d.function = "nf_hook_slow";
  d.proto = "tcp";
  d.hook = std::move(h);
  return d;
}

ExplainHook third_party() {
  return ExplainHook{.function = "net_hook_in_v4",
                     .module = "resguard_linux",
                     .family = "ipv4",
                     .hook = "local-in",
                     .priority = 1,
                     .third_party = true,
                     .taint = "out-of-tree, unsigned"};
}

ExplainHook nft_input() {
  return ExplainHook{.function = "nft_do_chain_ipv4",
                     .module = "nf_tables",
                     .family = "ipv4",
                     .hook = "local-in",
                     .type = "nftables",
                     .table = "filter",
                     .chain = "input"};
}

// Every evidence line of a finding, one a line.
std::string joined(const Finding& f) {
  std::string s;
  for (const auto& e : f.evidence) s += e + "\n";
  return s;
}

void add(ExplainInput& in, const ExplainDrop& d, int n) {
  for (int i = 0; i < n; i++) in.drops.push_back(d);
}

TEST(Explain, TwoCausesRankedByCount) {
  ExplainInput in{.seconds = 10};
  add(in, hook_drop("10.0.2.8", third_party()), 7);
  add(in, udp_drop("10.0.2.7", "10.0.0.3", 9006, "SOCKET_RCVBUFF"), 30);
  in.sockets.push_back(ExplainSocket{.proto = "udp",
                                     .addr = "0.0.0.0",
                                     .port = 9006,
                                     .netns = 4026532209,
                                     .rcvbuf = 4608,
                                     .queued = 4352,
                                     .drops = 30,
                                     .pid = 321,
                                     .owner = "slowreader"});
  in.before["UdpRcvbufErrors"] = 5;
  in.after["UdpRcvbufErrors"] = 35;
  in.sysctls["net.core.rmem_max"] = "212992";
  auto f = explain(in);
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f[0].kind, "socket-buffer-full");
  EXPECT_EQ(f[0].count, 30U);
  EXPECT_EQ(f[0].keys.at("owner"), "slowreader");
  EXPECT_EQ(f[0].keys.at("pid"), "321");
  EXPECT_NE(f[0].where.find("slowreader (pid 321)"), std::string::npos);
  std::string ev;
  for (const auto& e : f[0].evidence) ev += e + "\n";
  EXPECT_NE(ev.find("4352 bytes queued of a 4608-byte receive buffer"), std::string::npos) << ev;
  EXPECT_NE(ev.find("UdpRcvbufErrors +30"), std::string::npos) << ev;
  EXPECT_NE(ev.find("net.core.rmem_max = 212992"), std::string::npos) << ev;
  EXPECT_EQ(f[1].kind, "third-party-hook");
  EXPECT_EQ(f[1].count, 7U);
  EXPECT_EQ(f[1].keys.at("hook_module"), "resguard_linux");
  EXPECT_EQ(f[1].keys.at("hook"), "local-in");
  EXPECT_NE(f[1].where.find("net_hook_in_v4 [resguard_linux] (out-of-tree, unsigned), ipv4 local-in priority 1"),
            std::string::npos)
      << f[1].where;
  EXPECT_NE(joined(f[1]).find("iptables and nft did not drop these packets"), std::string::npos);
  ASSERT_FALSE(f[1].flows.empty());
  EXPECT_EQ(f[1].flows[0].first, "tcp 10.0.2.8 > 10.0.0.3:20202");
  EXPECT_EQ(f[1].flows[0].second, 7U);
}

TEST(Explain, InputAndOutputPathsReadDifferently) {
  ExplainInput in_path{.seconds = 5};
  add(in_path, hook_drop("10.0.2.8", nft_input()), 3);
  ExplainHook out = nft_input();
  out.hook = "local-out";
  out.chain = "output";
  ExplainInput out_path{.seconds = 5};
  add(out_path, hook_drop("10.0.0.3", out), 3);
  out_path.sockets.push_back(
      ExplainSocket{.proto = "tcp", .state = "syn-recv", .addr = "10.0.0.3", .port = 20202, .netns = 4026532209});
  out_path.before["TcpRetransSegs"] = 0;
  out_path.after["TcpRetransSegs"] = 2;
  auto a = explain(in_path);
  auto b = explain(out_path);
  ASSERT_EQ(a.size(), 1U);
  ASSERT_EQ(b.size(), 1U);
  EXPECT_EQ(a[0].kind, "firewall");
  EXPECT_EQ(a[0].keys.at("table"), "filter");
  EXPECT_EQ(a[0].keys.at("chain"), "input");
  EXPECT_NE(joined(a[0]).find("input path (local-in)"), std::string::npos) << joined(a[0]);
  EXPECT_NE(joined(a[0]).find("SYN_RECV sockets: 0"), std::string::npos);
  EXPECT_NE(joined(b[0]).find("output path (local-out)"), std::string::npos) << joined(b[0]);
  EXPECT_NE(joined(b[0]).find("SYN_RECV sockets: 1; TcpRetransSegs +2"), std::string::npos) << joined(b[0]);
  EXPECT_NE(joined(a[0]).find("only the chain is"), std::string::npos);
  EXPECT_NE(a[0].next.find("nft -a list chain ip filter input"), std::string::npos) << a[0].next;
  EXPECT_EQ(a[0].keys.at("path"), "input");
  EXPECT_EQ(a[0].keys.at("syn_recv"), "0");
  EXPECT_EQ(b[0].keys.at("path"), "output");
  EXPECT_EQ(b[0].keys.at("syn_recv"), "1");
}

TEST(Explain, NoSocketCheckedAgainstTheSockets) {
  ExplainInput in{.seconds = 1};
  add(in, udp_drop("10.0.2.7", "10.0.0.3", 9, "NO_SOCKET"), 4);
  auto none = explain(in);
  ASSERT_EQ(none.size(), 1U);
  EXPECT_EQ(none[0].kind, "no-socket");
  EXPECT_EQ(none[0].what, "nothing listens on udp 10.0.0.3:9");
  EXPECT_NE(joined(none[0]).find("no udp socket on port 9"), std::string::npos) << joined(none[0]);
  in.sockets.push_back(ExplainSocket{.proto = "udp", .addr = "127.0.0.1", .port = 9, .netns = 4026532209});
  auto elsewhere = explain(in);
  EXPECT_NE(joined(elsewhere[0]).find("bound to 127.0.0.1 only"), std::string::npos) << joined(elsewhere[0]);
}

TEST(Explain, WithoutDropReasonsTheLocationAndTheSocketsTell) {
  ExplainInput in{.seconds = 1};
  add(in, udp_drop("10.0.2.7", "10.0.0.3", 9200, ""), 5);
  ExplainDrop full = udp_drop("10.0.2.7", "10.0.0.3", 9006, "");
  full.function = "udp_queue_rcv_one_skb";
  add(in, full, 8);
  in.sockets.push_back(ExplainSocket{.proto = "udp", .addr = "0.0.0.0", .port = 9006, .netns = 4026532209});
  auto f = explain(in);
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f[0].kind, "socket-buffer-full");
  EXPECT_EQ(f[0].count, 8U);
  EXPECT_EQ(f[1].kind, "no-socket");
  EXPECT_EQ(f[1].what, "nothing listens on udp 10.0.0.3:9200");
  in.sockets.push_back(ExplainSocket{.proto = "udp", .addr = "0.0.0.0", .port = 9200, .netns = 4026532209});
  auto g = explain(in);  // a socket on 9200 after all: not a no-socket finding
  EXPECT_EQ(g[1].kind, "other");
}

TEST(Explain, ResetsByCause) {
  ExplainInput in{.seconds = 1};
  in.resets.push_back(ExplainReset{.kind = "active",
                                   .state = "ESTABLISHED",
                                   .facts = "unread-data",
                                   .comm = "srv",
                                   .pid = 7,
                                   .src = "10.0.0.3",
                                   .dst = "10.0.2.8",
                                   .sport = 80,
                                   .dport = 5000});
  in.resets.push_back(ExplainReset{.kind = "passive",
                                   .state = "none",
                                   .facts = "no-socket",
                                   .src = "10.0.0.3",
                                   .dst = "10.0.2.8",
                                   .sport = 81,
                                   .dport = 5001});
  in.resets.push_back(in.resets.back());
  auto f = explain(in);
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f[0].kind, "reset");
  EXPECT_EQ(f[0].count, 2U);
  EXPECT_EQ(f[0].keys.at("reset_kind"), "passive");
  EXPECT_EQ(f[0].keys.at("cause"), "nothing listens: the segment found no socket");
  EXPECT_EQ(f[1].keys.at("cause"), "the application closed with unread data");
  EXPECT_NE(f[1].where.find("srv (pid 7)"), std::string::npos);
}

TEST(Explain, CountersWithoutDropEvents) {
  ExplainInput in{.seconds = 2};
  in.before["dev.eth1.rx_missed_errors"] = 10;
  in.after["dev.eth1.rx_missed_errors"] = 110;
  in.before["softnet.cpu0.dropped"] = 0;
  in.after["softnet.cpu0.dropped"] = 5;
  in.before["softnet.cpu3.time_squeeze"] = 1;  // any CPU, not only the first two
  in.after["softnet.cpu3.time_squeeze"] = 5;
  add(in, udp_drop("10.0.2.7", "10.0.0.3", 9, "CPU_BACKLOG"), 5);  // the backlog's 5 are seen
  auto f = explain(in);
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f[0].kind, "unexplained");
  EXPECT_EQ(f[0].count, 100U);
  EXPECT_EQ(f[0].keys.at("device"), "eth1");
  EXPECT_EQ(f[0].keys.at("counter"), "dev.eth1.rx_missed_errors");
  EXPECT_NE(f[0].what.find("the device's receive ring"), std::string::npos);
  EXPECT_NE(joined(f[0]).find("softnet time_squeeze +4"), std::string::npos) << joined(f[0]);
  EXPECT_EQ(f[1].kind, "backlog");  // the backlog's 5, a finding of their own
}

// Scenario 5: the layer that lost them under load is the backlog, with
// the kernel's count beside netdrop's; 5.10 (no reasons) by the location.
TEST(Explain, BacklogFullNamesTheLayer) {
  ExplainInput in{.seconds = 2};
  in.before["softnet.cpu0.dropped"] = 3;
  in.after["softnet.cpu0.dropped"] = 40;
  in.before["softnet.cpu1.dropped"] = 0;
  in.after["softnet.cpu1.dropped"] = 10;
  in.sysctls["net.core.netdev_max_backlog"] = "8";
  ExplainDrop d = udp_drop("10.0.2.7", "10.0.0.3", 9, "CPU_BACKLOG");
  d.function = "enqueue_to_backlog";
  add(in, d, 40);
  d.reason = "";  // 5.10
  add(in, d, 7);
  auto f = explain(in);
  ASSERT_EQ(f.size(), 1U);  // every dropped one seen: nothing unexplained
  EXPECT_EQ(f[0].kind, "backlog");
  EXPECT_EQ(f[0].count, 47U);
  EXPECT_EQ(f[0].keys.at("device"), "eth0");
  EXPECT_NE(f[0].where.find("net.core.netdev_max_backlog = 8, device eth0"), std::string::npos) << f[0].where;
  EXPECT_NE(joined(f[0]).find("softnet_stat dropped +47 (every CPU)"), std::string::npos) << joined(f[0]);
  // 7 of the 47 without a drop event: the total over every CPU says so
  // (neither CPU's own count alone is above the 40 events).
  in.drops.resize(40);
  auto g = explain(in);
  ASSERT_EQ(g.size(), 2U);
  EXPECT_EQ(g[1].kind, "unexplained");
  EXPECT_EQ(g[1].count, 7U);
  EXPECT_EQ(g[1].keys.at("counter"), "softnet.dropped");
}

TEST(Explain, OwnLossSuggestsARing) {
  ExplainInput in{.seconds = 1, .recorded = 100, .lost = 300, .ring_kb = 64};
  auto f = explain(in);
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].kind, "netdrop-loss");
  EXPECT_EQ(f[0].keys.at("ring_kb"), "256");
  EXPECT_NE(f[0].next.find("--ring-kb 256"), std::string::npos);
}

TEST(Explain, TextAndJson) {
  ExplainInput in{.seconds = 4};
  add(in, udp_drop("10.0.2.7", "10.0.0.3", 9, "NO_SOCKET"), 2);
  ExplainDrop odd = udp_drop("10.0.2.7", "10.0.0.3", 9, "IP_INHDR");
  odd.function = "ip_rcv_core";
  add(in, odd, 1);
  auto f = explain(in);
  std::string text = format_findings_text(f, in);
  EXPECT_NE(text.find("1. nothing listens on udp 10.0.0.3:9 (2 packets, 67% of the window's 3 drops, 0.5/s)."),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("2. the kernel dropped these packets in ip_rcv_core: IP_INHDR"), std::string::npos) << text;
  std::string json = format_findings_json(f, in);
  EXPECT_NE(json.find("{\"rank\":1,\"kind\":\"no-socket\",\"count\":2,\"share\":0.6667,\"rate\":0.500,"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"port\":\"9\""), std::string::npos);
  EXPECT_EQ(std::count(json.begin(), json.end(), '\n'), 2);
}

// A qdisc that drops on the way out: its finding, with the qdisc's own
// count; what it counted beyond the drop events is unexplained; an ingress
// qdisc's drops (tc filters) are not a layer of their own.
TEST(Explain, QdiscDropsAndTheQdiscsCount) {
  ExplainInput in{.seconds = 2};
  in.before["qdisc.eth0.drops"] = 5;
  in.after["qdisc.eth0.drops"] = 55;
  in.before["qdisc.eth0.ingress.drops"] = 0;
  in.after["qdisc.eth0.ingress.drops"] = 9;
  ExplainDrop d = udp_drop("10.0.0.3", "10.0.2.7", 9, "QDISC_DROP");
  d.function = "__dev_queue_xmit";
  add(in, d, 30);
  auto f = explain(in);
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f[0].kind, "qdisc");
  EXPECT_EQ(f[0].count, 30U);
  EXPECT_EQ(f[0].keys.at("counter"), "qdisc.eth0.drops");
  EXPECT_NE(joined(f[0]).find("qdisc.eth0.drops +50 (the qdisc's own count)"), std::string::npos) << joined(f[0]);
  EXPECT_EQ(f[1].kind, "unexplained");
  EXPECT_EQ(f[1].count, 20U);
  EXPECT_EQ(f[1].keys.at("device"), "eth0");
  EXPECT_EQ(f[1].keys.at("counter"), "qdisc.eth0.drops");
}

// iptables-legacy: the table and the built-in chain its hook enters.
TEST(Explain, LegacyIptablesTableAndChain) {
  ExplainHook h{.function = "iptable_filter_hook",
                .module = "iptable_filter",
                .family = "ipv4",
                .hook = "local-out",
                .table = "filter",
                .xtables = true};
  ExplainInput in{.seconds = 1};
  add(in, hook_drop("10.0.2.8", h), 4);
  auto f = explain(in);
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].kind, "firewall");
  EXPECT_EQ(f[0].keys.at("firewall"), "iptables");
  EXPECT_EQ(f[0].keys.at("chain"), "OUTPUT");
  EXPECT_EQ(f[0].what,
            "a firewall rule dropped these packets: iptables table filter, chain OUTPUT (or a chain it jumps to)");
  EXPECT_NE(f[0].next.find("iptables -t filter -L OUTPUT -v -n"), std::string::npos) << f[0].next;
}

// Rules without counters, in a base chain and a chain it jumps to: the
// handles the kernel named decide, one finding per rule, ranked by count.
TEST(Explain, FirewallRulesTheKernelNamed) {
  ExplainInput in{.seconds = 2};
  ExplainHook h = nft_input();
  h.rule = 7;
  add(in, hook_drop("10.0.2.8", h), 2);
  h.rule = 9;
  add(in, hook_drop("10.0.2.9", h), 5);
  NftRule r7{
      .family = "ip", .table = "filter", .chain = "input", .handle = 7, .text = "udp dport 5001 drop", .drops = true};
  NftRule r8{.family = "ip", .table = "filter", .chain = "input", .handle = 8, .text = "jump sub"};
  NftRule r9{
      .family = "ip", .table = "filter", .chain = "sub", .handle = 9, .text = "udp dport 5003 drop", .drops = true};
  in.rules_before = in.rules_after = {r7, r8, r9};
  auto f = explain(in);
  ASSERT_EQ(f.size(), 2U);
  EXPECT_EQ(f[0].keys.at("rule"), "9");
  EXPECT_EQ(f[0].keys.at("rule_chain"), "sub");
  EXPECT_EQ(f[0].what,
            "a firewall rule dropped these packets: nft table ip filter, chain sub (reached from base chain input)");
  EXPECT_EQ(f[0].keys.at("rule_by"), "kernel");
  EXPECT_EQ(f[0].count, 5U);
  EXPECT_EQ(f[1].keys.at("rule"), "7");
  EXPECT_EQ(f[1].keys.at("rule_text"), "udp dport 5001 drop");
  EXPECT_EQ(f[1].count, 2U);
  EXPECT_NE(joined(f[1]).find("named by the kernel"), std::string::npos) << joined(f[1]);
  // A handle the ruleset no longer has is still given, and said so.
  in.rules_after = in.rules_before = {r8};
  auto g = explain(in);
  EXPECT_EQ(g[0].keys.at("rule"), "9");
  EXPECT_NE(joined(g[0]).find("no longer in the ruleset"), std::string::npos) << joined(g[0]);
}

}  // namespace
}  // namespace netdrop

namespace netdrop {
namespace {

TEST(Sockets, OwnersFromProcFd) {
  std::filesystem::path root = std::filesystem::temp_directory_path() / "netdrop-proc-test";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "321" / "fd");
  std::filesystem::create_directories(root / "self");
  std::filesystem::create_symlink("socket:[777]", root / "321" / "fd" / "4");
  std::filesystem::create_symlink("/dev/null", root / "321" / "fd" / "0");
  std::ofstream(root / "321" / "comm") << "slowreader\n";
  std::vector<ExplainSocket> s(2);
  s[0].inode = 777;
  s[1].inode = 778;
  find_owners(s, root.string());
  EXPECT_EQ(s[0].pid, 321U);
  EXPECT_EQ(s[0].owner, "slowreader");
  EXPECT_EQ(s[1].pid, 0U);
  EXPECT_EQ(s[1].owner, "");
  std::filesystem::remove_all(root);
}

}  // namespace
}  // namespace netdrop

namespace netdrop {
namespace {

ExplainInput firewall_window(uint64_t grew4, uint64_t grew5) {
  ExplainInput in{.seconds = 2};
  add(in, hook_drop("10.0.2.8", nft_input()), 3);
  NftRule r4{.family = "ip",
             .table = "filter",
             .chain = "input",
             .handle = 4,
             .text = "ip saddr 10.0.2.8 counter packets 3 bytes 180 drop",
             .drops = true,
             .has_counter = true};
  NftRule r5{.family = "ip",
             .table = "filter",
             .chain = "input",
             .handle = 5,
             .text = "th dport 22 counter packets 0 bytes 0 drop",
             .drops = true,
             .has_counter = true};
  NftRule ok{.family = "ip", .table = "filter", .chain = "input", .handle = 3, .text = "accept"};
  in.rules_before = {ok, r4, r5};
  r4.packets = grew4;
  r5.packets = grew5;
  in.rules_after = {ok, r4, r5};
  return in;
}

TEST(Explain, AnUnsignedNfTablesIsStillTheFirewall) {
  ExplainHook h = nft_input();
  h.third_party = true;  // nf_tables failed signature verification
  h.taint = "unsigned";
  ExplainInput in{.seconds = 1};
  add(in, hook_drop("10.0.2.7", h), 3);
  auto f = explain(in);
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].kind, "firewall");
}

TEST(Explain, FirewallRuleByItsCounter) {
  auto f = explain(firewall_window(3, 0));
  ASSERT_EQ(f.size(), 1U);
  EXPECT_EQ(f[0].keys.at("rule"), "4");
  EXPECT_EQ(f[0].keys.at("rule_text"), "ip saddr 10.0.2.8 counter packets 3 bytes 180 drop");
  EXPECT_NE(f[0].where.find("rule handle 4: ip saddr 10.0.2.8"), std::string::npos) << f[0].where;
  EXPECT_NE(joined(f[0]).find("its counter grew by 3 in the window (3 drops seen)"), std::string::npos) << joined(f[0]);
  // Both counters grew (or neither): the rule is not decided, both are named.
  auto g = explain(firewall_window(3, 2));
  EXPECT_EQ(g[0].keys.at("rule"), "");
  EXPECT_NE(joined(g[0]).find("only the chain is known: one of handle 4"), std::string::npos) << joined(g[0]);
  EXPECT_NE(joined(g[0]).find("handle 5"), std::string::npos);
}

}  // namespace
}  // namespace netdrop
