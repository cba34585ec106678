// The flight recorder's parts: triggers, the counter watch and the window.
#include "flight.hpp"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

#include "filter.hpp"
#include "trigger.hpp"

namespace netdrop {
namespace {

std::vector<Reason> reasons() { return {{2, "NO_SOCKET"}, {5, "SOCKET_RCVBUFF"}}; }

Trigger parse(std::string_view t) { return parse_trigger(t, reasons(), DropReasons::available); }

Event drop(uint32_t reason, uint8_t a3 = 8, uint16_t dport = 53) {
  Event ev;
  ev.type = NETDROP_REC_DROP;
  ev.drop.raw.hdr.flags = NETDROP_RF_DECODED | NETDROP_RF_L4;
  ev.drop.raw.reason = reason;
  ev.drop.raw.family = AF_INET;
  ev.drop.raw.l4proto = IPPROTO_UDP;
  const uint8_t src[4] = {10, 0, 2, a3};
  std::memcpy(ev.drop.raw.saddr, src, 4);
  ev.drop.raw.dport = dport;
  return ev;
}

TEST(Trigger, Reason) {
  Trigger t = parse("reason=SOCKET_RCVBUFF");
  EXPECT_TRUE(fires(t, drop(5)));
  EXPECT_FALSE(fires(t, drop(2)));
}

TEST(Trigger, MatchAllTerms) {
  Trigger t = parse("src=10.0.2.8&dport=53");
  EXPECT_TRUE(fires(t, drop(2, 8, 53)));
  EXPECT_FALSE(fires(t, drop(2, 7, 53)));
  EXPECT_FALSE(fires(t, drop(2, 8, 54)));
}

TEST(Trigger, HookByName) {
  Trigger any = parse("hook"), named = parse("hook=guard");
  Event ev = drop(2);
  EXPECT_FALSE(fires(any, ev));
  netdrop_hook_names n{};
  std::strcpy(n.table, "guard");
  ev.drop.hook_names = n;
  EXPECT_TRUE(fires(any, ev));
  EXPECT_TRUE(fires(named, ev));
  std::strcpy(n.table, "other");
  ev.drop.hook_names = n;
  EXPECT_FALSE(fires(named, ev));
}

TEST(Trigger, ResetOnlyOnResets) {
  Trigger t = parse("reset");
  Event r;
  r.type = NETDROP_REC_RESET;
  EXPECT_TRUE(fires(t, r));
  EXPECT_FALSE(fires(t, drop(2)));
}

TEST(Trigger, BadOnesNameThemselves) {
  for (const char* bad : {"", "reason=NOPE", "counter=X", "counter=X+0/5", "counter=X+5/0", "colour=red", "src=1.2.3"})
    EXPECT_THROW(parse(bad), UsageError) << bad;
  try {
    parse("colour=red");
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("'colour=red'"), std::string::npos);
  }
}

TEST(CounterWatch, JumpWithinTheWindowOnly) {
  Trigger t = parse("counter=UdpRcvbufErrors+100/5");
  EXPECT_EQ(t.counter, "UdpRcvbufErrors");
  CounterWatch w(t.jump, t.within_s);
  EXPECT_FALSE(w.add(0, 1000));
  EXPECT_FALSE(w.add(3, 1060));
  EXPECT_FALSE(w.add(9, 1150));   // 150 since 0 s and 90 since 3 s: both more than 5 s ago
  EXPECT_FALSE(w.add(10, 1200));  // 50 since 9 s
  EXPECT_TRUE(w.add(11, 1300));   // 150 since 9 s
}

TEST(FlightBuffer, KeepsTheWindowAndCountsItsLoss) {
  FlightBuffer b(10, 1 << 20);
  std::vector<std::byte> rec(64);
  b.note_lost(0, 0);
  for (int t = 0; t < 30; t++) b.push(t, rec);
  b.note_lost(25, 4);
  b.expire(30);
  EXPECT_EQ(b.records(), 10U);  // 20..29
  EXPECT_EQ(b.contents().size(), 10U * 64);
  EXPECT_EQ(b.lost_in_window(), 4U);
  b.expire(40);
  EXPECT_EQ(b.lost_in_window(), 0U);  // the loss at 25 s is out of the window
}

TEST(FlightBuffer, TheBudgetPushesOutAndSaysSo) {
  FlightBuffer b(100, 640);
  std::vector<std::byte> rec(64);
  for (int t = 0; t < 15; t++) b.push(t, rec);
  EXPECT_EQ(b.records(), 10U);
  EXPECT_EQ(b.lost_in_window(), 5U);
}

}  // namespace
}  // namespace netdrop
