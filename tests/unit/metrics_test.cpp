// The exporter's building blocks: the kernel's counts merged by key and
// subtracted, the exposition format, and the bound on label sets.
#include "metrics.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "agg.hpp"
#include "exposition.hpp"
#include "symbols.hpp"

namespace netdrop {
namespace {

netdrop_agg_entry entry(uint64_t location, uint32_t reason, uint64_t count, uint32_t cpu, const char* dev = "eth0") {
  netdrop_agg_entry e{};
  e.location = location;
  e.reason = reason;
  e.netns = 4026531840U;
  e.ifindex = 2;
  e.count = count;
  e.bytes = count * 100;
  e.cpu = cpu;
  std::strncpy(e.ifname, dev, sizeof(e.ifname) - 1);
  return e;
}

TEST(Agg, EqualKeysOfEveryCpuAreOneRow) {
  AggSnapshot s;
  agg_add(s, entry(0x1000, 2, 5, 0));
  agg_add(s, entry(0x1000, 2, 7, 1));
  agg_add(s, entry(0x1000, 2, 1, 1));  // a second slot of one key on one CPU
  agg_add(s, entry(0x2000, 2, 3, 0));
  ASSERT_EQ(s.rows.size(), 2U);
  const AggRow& r = s.rows.begin()->second;
  EXPECT_EQ(r.count, 13U);
  EXPECT_EQ(r.bytes, 1300U);
  EXPECT_EQ(r.ifname, "eth0");
}

TEST(Agg, HookIsPartOfTheKey) {
  netdrop_agg_entry a = entry(0x1000, 2, 1, 0), b = a;
  b.flags = NETDROP_AF_HOOK;
  b.hook.func = 0x5000;
  b.hook.pf = 2;
  b.hook.hooknum = 1;
  EXPECT_NE(agg_key_of(a), agg_key_of(b));
  // Hook fields without the flag are not part of the key.
  a.hook.func = 0x9999;
  EXPECT_EQ(agg_key_of(a), agg_key_of(entry(0x1000, 2, 1, 0)));
}

TEST(Agg, DeltaKeepsWhatMoved) {
  AggSnapshot before, after;
  agg_add(before, entry(0x1000, 2, 5, 0));
  agg_add(before, entry(0x2000, 2, 3, 0));
  agg_add(after, entry(0x1000, 2, 9, 0));
  agg_add(after, entry(0x2000, 2, 3, 0));
  agg_add(after, entry(0x3000, 7, 2, 1));
  before.overflow = 1;
  after.overflow = 4;
  AggSnapshot d = agg_delta(before, after);
  ASSERT_EQ(d.rows.size(), 2U);
  EXPECT_EQ(d.counted, 6U);
  EXPECT_EQ(d.overflow, 3U);
  EXPECT_EQ(d.rows.begin()->second.count, 4U);
}

TEST(Metrics, LabelValuesAreEscaped) {
  EXPECT_EQ(escape_label_value(R"(a"b\c)"
                               "\n"),
            R"(a\"b\\c\n)");
}

TEST(Metrics, RenderHasHelpTypeAndSamples) {
  MetricFamily f{"netdrop_lost_total", "Lost.", "counter", {{{}, 3}}};
  MetricFamily g{"netdrop_hooks", "Hooks.", "gauge", {{{{"family", "ipv4"}, {"hook", "local-in"}}, 2}}};
  EXPECT_EQ(render_metrics({f, g}),
            "# HELP netdrop_lost_total Lost.\n# TYPE netdrop_lost_total counter\nnetdrop_lost_total 3\n"
            "# HELP netdrop_hooks Hooks.\n# TYPE netdrop_hooks gauge\n"
            "netdrop_hooks{family=\"ipv4\",hook=\"local-in\"} 2\n");
}

Labels L(const std::string& v) { return {{"k", v}}; }

TEST(Metrics, BoundedSeriesAdmitsTheBiggestFirstAndKeepsThem) {
  BoundedSeries b(2);
  auto s = b.samples({{L("a"), 1}, {L("b"), 10}, {L("c"), 5}});
  ASSERT_EQ(s.size(), 3U);  // b, c and other (a)
  std::map<std::string, uint64_t> got;
  for (const Sample& x : s) got[x.labels[0].second] = x.value;
  EXPECT_EQ(got, (std::map<std::string, uint64_t>{{"b", 10}, {"c", 5}, {"other", 1}}));
  // a grows past both: it stays in other, so every series only grows.
  s = b.samples({{L("a"), 100}, {L("b"), 11}, {L("c"), 5}, {L("d"), 2}});
  got.clear();
  for (const Sample& x : s) got[x.labels[0].second] = x.value;
  EXPECT_EQ(got, (std::map<std::string, uint64_t>{{"b", 11}, {"c", 5}, {"other", 102}}));
}

TEST(Metrics, DropLabelsNameNoAddress) {
  Symbolizer sym = Symbolizer::from_text("ffffffff81000000 T __udp4_lib_rcv\nffffffff81001000 T next\n");
  ViewContext ctx;
  ctx.symbols = &sym;
  AggSnapshot s;
  agg_add(s, entry(0xffffffff81000010ULL, 0, 4, 0));
  Labels l = drop_labels(s.rows.begin()->second, ctx);
  ASSERT_EQ(l.size(), 6U);
  EXPECT_EQ(l[1], (std::pair<std::string, std::string>{"function", "__udp4_lib_rcv"}));
  EXPECT_EQ(l[3].second, "4026531840");
  EXPECT_EQ(l[4].second, "eth0");
  EXPECT_EQ(l[5].second, "");
}

}  // namespace
}  // namespace netdrop
