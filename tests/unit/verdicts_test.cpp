#include "verdicts.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "session.hpp"

using namespace netdrop;

namespace {

HookVerdicts hook(uint64_t id, const char* table, uint64_t accepted, uint64_t dropped) {
  HookVerdicts hv;
  hv.hook.raw.pf = 2;  // NFPROTO_IPV4
  hv.hook.raw.hooknum = 1;
  hv.hook.raw.ops_type = NETDROP_HOOK_NFTABLES;
  std::strncpy(hv.hook.raw.func_name, "nft_do_chain_inet", sizeof(hv.hook.raw.func_name) - 1);
  std::strncpy(hv.hook.raw.table, table, sizeof(hv.hook.raw.table) - 1);
  std::strncpy(hv.hook.raw.chain, "in", sizeof(hv.hook.raw.chain) - 1);
  hv.counts.id = id;
  hv.counts.accepted = accepted;
  hv.counts.dropped = dropped;
  return hv;
}

VerdictSnapshot snap(std::vector<HookVerdicts> hooks) {
  VerdictSnapshot s;
  s.since_ns = 1000;
  s.hooks = std::move(hooks);
  return s;
}

}  // namespace

TEST(Verdicts, DeltaMatchesHooksByIdNotPosition) {
  // Two chains at one hook and priority; the second moved up a place.
  auto before = snap({hook(7, "audit", 100, 0), hook(9, "guard", 40, 3)});
  auto after = snap({hook(9, "guard", 45, 8), hook(7, "audit", 113, 0)});
  auto d = verdict_delta(before, after);
  ASSERT_EQ(d.size(), 2U);
  EXPECT_EQ(d[0].counts.id, 9U);
  EXPECT_EQ(d[0].counts.accepted, 5U);
  EXPECT_EQ(d[0].counts.dropped, 5U);
  EXPECT_EQ(d[1].counts.accepted, 13U);
  EXPECT_EQ(d[1].counts.dropped, 0U);
}

TEST(Verdicts, ChainMadeAgainKeepsItsOwnCounts) {
  // nft -f replaced guard/in: same names, a new counter id.
  auto before = snap({hook(9, "guard", 40, 3)});
  auto after = snap({hook(11, "guard", 2, 1)});
  auto d = verdict_delta(before, after);
  ASSERT_EQ(d.size(), 1U);
  EXPECT_EQ(d[0].counts.accepted, 2U);
  EXPECT_EQ(d[0].counts.dropped, 1U);
}

TEST(Verdicts, RestartedCountingIsAnError) {
  auto before = snap({hook(9, "guard", 40, 3)});
  auto after = before;
  after.since_ns = 2000;
  EXPECT_THROW(verdict_delta(before, after), SystemError);
}

TEST(Verdicts, TextAndJson) {
  auto hv = hook(9, "guard", 5, 3);
  EXPECT_EQ(format_verdicts_text(hv.counts), "passed 5 dropped 3");
  hv.counts.stolen = 2;
  hv.counts.queued = 1;
  EXPECT_EQ(format_verdicts_text(hv.counts), "passed 5 dropped 3 stolen 2 queued 1");
  std::string j = format_verdicts_json(hv);
  EXPECT_NE(j.find("\"table\":\"guard\""), std::string::npos);
  EXPECT_NE(j.find(",\"accepted\":5,\"dropped\":3,\"stolen\":2,\"queued\":1}"), std::string::npos) << j;
  EXPECT_EQ(j.front(), '{');
  EXPECT_EQ(j.back(), '}');
}
