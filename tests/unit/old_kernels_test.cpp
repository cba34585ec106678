// Kernels that lack what newer ones have: Linux 5.10 (kfree_skb with 2
// arguments, no drop reasons, no reset reasons) and 7.2 (no orphan count).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "filter.hpp"
#include "format.hpp"
#include "reasons.hpp"
#include "summary.hpp"
#include "test_util.hpp"

using namespace netdrop;

namespace {

const std::vector<Reason> some_reasons{{2, "NOT_SPECIFIED"}, {3, "NO_SOCKET"}};

netdrop_info info_with_nargs(uint32_t tp_nargs, uint32_t nr_reasons) {
  netdrop_info info{};
  info.abi_major = NETDROP_ABI_MAJOR;
  info.tp_nargs = tp_nargs;
  info.nr_reasons = nr_reasons;
  return info;
}

// A drop as netdrop.ko writes it on 5.10: reason 0, the raw value it has.
struct Linux510 : ::testing::Test {
  Symbolizer symbols = Symbolizer::from_text("ffffffff81b00000 t __udp4_lib_rcv\n");
  ViewContext ctx = view_context(info_with_nargs(2, 0), {}, {}, symbols);
  Drop d;

  void SetUp() override {
    ctx.utc = true;
    d.raw = test::udp4_drop("10.0.2.8", "10.0.0.3", 40000, 9999);
    d.raw.reason = 0;
  }
};

netdrop_reset active_reset(uint32_t orphans) {
  netdrop_reset r{};
  r.hdr.type = NETDROP_REC_RESET;
  r.hdr.size = sizeof(r);
  r.kind = NETDROP_RST_ACTIVE;
  r.family = AF_INET;
  r.state = 1;  // ESTABLISHED
  r.location = 0xffffffff81b00010ULL;
  r.orphans = orphans;
  inet_pton(AF_INET, "10.0.2.8", r.saddr);
  inet_pton(AF_INET, "10.0.0.3", r.daddr);
  std::strcpy(r.comm, "python3");
  return r;
}

}  // namespace

TEST(DropReasons, AbsentOnlyWithTwoTracepointArguments) {
  EXPECT_EQ(drop_reasons_of(info_with_nargs(2, 0)), DropReasons::absent);
  EXPECT_EQ(drop_reasons_of(info_with_nargs(3, 0)), DropReasons::available);  // 5.17: values, no names
  EXPECT_EQ(drop_reasons_of(info_with_nargs(4, 120)), DropReasons::available);
}

TEST(DropReasons, ListingSaysThereAreNoneInOneLine) {
  std::string text = drop_reasons_listing({}, DropReasons::absent, false);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find("this kernel has no drop reasons"), std::string::npos) << text;
  EXPECT_NE(text.find("2 arguments"), std::string::npos) << text;
  EXPECT_NE(text.find("5.17"), std::string::npos) << text;
  EXPECT_EQ(drop_reasons_listing({}, DropReasons::absent, true), "{\"drop_reasons\":false,\"reasons\":[]}\n");
}

TEST(DropReasons, ListingOfAKernelWithReasons) {
  EXPECT_EQ(drop_reasons_listing(some_reasons, DropReasons::available, false),
            "       2 NOT_SPECIFIED\n       3 NO_SOCKET\n");
  EXPECT_EQ(drop_reasons_listing(some_reasons, DropReasons::available, true),
            "{\"value\":2,\"name\":\"NOT_SPECIFIED\"}\n{\"value\":3,\"name\":\"NO_SOCKET\"}\n");
}

TEST(DropReasons, ResetReasonListingWithoutResetReasons) {
  std::string text = reset_reasons_listing({}, false);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << text;
  EXPECT_NE(text.find("no TCP reset reasons"), std::string::npos) << text;
  EXPECT_EQ(reset_reasons_listing({}, true), "{\"reset_reasons\":false,\"reasons\":[]}\n");
  EXPECT_EQ(reset_reasons_listing({{1, "NO_SOCKET"}}, false), "       1 NO_SOCKET\n");
}

TEST(ReasonFilter, NoReasonsKernelRejectsAnyReason) {
  try {
    parse_reason_list("NO_SOCKET", {}, DropReasons::absent);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--reason: this kernel has no drop reasons (kfree_skb has 2 arguments)");
  }
  EXPECT_TRUE(parse_reason_list("", {}, DropReasons::absent).empty());  // no --reason: nothing to refuse
}

TEST(ReasonFilter, NamesResolveAgainstTheKernelList) {
  EXPECT_EQ(parse_reason_list("no_socket,SKB_DROP_REASON_NOT_SPECIFIED", some_reasons, DropReasons::available),
            (std::vector<uint32_t>{3, 2}));
  try {
    parse_reason_list("NOPE", some_reasons, DropReasons::available);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "unknown drop reason 'NOPE' (see 'netdropctl reasons')");
  }
}

TEST(SummaryKeys, ByReasonNeedsDropReasons) {
  try {
    check_summary_key(SummaryKey::reason, DropReasons::absent, NETDROP_EV_DROP);
    FAIL() << "no UsageError";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "--by reason: this kernel has no drop reasons (kfree_skb has 2 arguments)");
  }
  EXPECT_THROW(check_summary_key(SummaryKey::reason, DropReasons::absent, NETDROP_EV_DROP | NETDROP_EV_RESET),
               UsageError);
  // Resets alone are grouped by kind and facts; other keys need no reason.
  EXPECT_NO_THROW(check_summary_key(SummaryKey::reason, DropReasons::absent, NETDROP_EV_RESET));
  EXPECT_NO_THROW(check_summary_key(SummaryKey::location, DropReasons::absent, NETDROP_EV_DROP));
  EXPECT_NO_THROW(check_summary_key(SummaryKey::reason, DropReasons::available, NETDROP_EV_DROP));
}

TEST_F(Linux510, ViewContextKnowsThereAreNoReasons) {
  EXPECT_EQ(ctx.drop_reasons, DropReasons::absent);
  EXPECT_EQ(ctx.reason_name(0), "");
  EXPECT_EQ(ctx.reason_name(2), "");  // even a value a newer kernel would name
}

TEST_F(Linux510, JsonKeepsAnEmptyReason) {
  std::string json = format_json(d, ctx);
  EXPECT_NE(json.find(R"("module":"","reason":"","reason_value":0,"family":"ipv4")"), std::string::npos) << json;
}

TEST_F(Linux510, TextShowsADashForTheReason) {
  EXPECT_EQ(format_text(d, ctx),
            "00:00:01.000000123 cpu1 __udp4_lib_rcv+0x545 - udp 10.0.2.8:40000 > 10.0.0.3:9999 dev eth0 "
            "netns 4026532211");
}

TEST_F(Linux510, SummaryByLocationHasNoReasonSuffix) {
  Summary by_loc(SummaryKey::location);
  by_loc.add(d, ctx);
  EXPECT_EQ(by_loc.rows(0).at(0).key, "__udp4_lib_rcv+0x545");
}

TEST(Orphans, UnknownCountIsNullInJsonAndQuestionMarkInText) {
  Symbolizer symbols = Symbolizer::from_text("ffffffff81b00000 T tcp_send_active_reset\n");
  ViewContext ctx;
  ctx.symbols = &symbols;
  Reset r;
  r.raw = active_reset(NETDROP_ORPHANS_UNKNOWN);
  std::string json = format_reset_json(r, ctx);
  EXPECT_NE(json.find(R"("unread":0,"orphans":null,"netns")"), std::string::npos) << json;
  EXPECT_NE(format_reset_text(r, ctx).find(" orphans ? by tcp_send_active_reset+0x10"), std::string::npos)
      << format_reset_text(r, ctx);
  r.raw.orphans = 7;
  EXPECT_NE(format_reset_json(r, ctx).find(R"("orphans":7,)"), std::string::npos);
  EXPECT_NE(format_reset_text(r, ctx).find(" orphans 7 by"), std::string::npos) << format_reset_text(r, ctx);
  // A passive reset's field is not a count: null, never its raw 0.
  r.raw.kind = NETDROP_RST_PASSIVE;
  r.raw.orphans = 0;
  EXPECT_NE(format_reset_json(r, ctx).find(R"("orphans":null,)"), std::string::npos) << format_reset_json(r, ctx);
}
