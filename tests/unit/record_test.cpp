#include "record.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "test_util.hpp"

using namespace netdrop;

TEST(Record, EmptyBufferIsTruncated) {
  Drop d;
  EXPECT_EQ(decode_record({}, d).status, DecodeStatus::truncated);
}

TEST(Record, DecodesValidDrop) {
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 40000, 9999);
  auto b = test::bytes_of(r);
  Drop d;
  Decoded res = decode_record(b, d);
  ASSERT_EQ(res.status, DecodeStatus::ok);
  EXPECT_EQ(res.size, sizeof(netdrop_drop));
  EXPECT_EQ(d.raw.sport, 40000);
  EXPECT_EQ(d.ifname(), "eth0");
  EXPECT_EQ(d.comm(), "python3");
  EXPECT_EQ(d.stack_size(), 0U);
  EXPECT_TRUE(d.data.empty());
}

TEST(Record, TruncatedInsideRecord) {
  auto b = test::bytes_of(test::udp4_drop("1.1.1.1", "2.2.2.2", 1, 2));
  Drop d;
  EXPECT_EQ(decode_record(Bytes(b).first(b.size() - 8), d).status, DecodeStatus::truncated);
  EXPECT_EQ(decode_record(Bytes(b).first(4), d).status, DecodeStatus::truncated);
}

TEST(Record, UnknownTypeIsSkippedBySize) {
  std::vector<std::byte> b(24);
  netdrop_rec_hdr h{0x7777, 0, 24};
  std::memcpy(b.data(), &h, sizeof(h));
  Drop d;
  Decoded res = decode_record(b, d);
  EXPECT_EQ(res.status, DecodeStatus::skipped);
  EXPECT_EQ(res.size, 24U);
}

TEST(Record, NewerVersionWithAppendedFieldsDecodes) {
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 2);
  r.hdr.size = sizeof(r) + 16;  // a newer minor appended 16 bytes of fields
  auto b = test::bytes_of(r, 16);
  Drop d;
  Decoded res = decode_record(b, d);
  ASSERT_EQ(res.status, DecodeStatus::ok);
  EXPECT_EQ(res.size, sizeof(r) + 16);
  EXPECT_EQ(d.raw.dport, 2);
}

TEST(Record, BadSizesAreMalformed) {
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 2);
  Drop d;
  r.hdr.size = 12;  // not a multiple of 8
  EXPECT_EQ(decode_record(test::bytes_of(r), d).status, DecodeStatus::malformed);
  r.hdr.size = 4;  // smaller than the header
  EXPECT_EQ(decode_record(test::bytes_of(r), d).status, DecodeStatus::malformed);
  r.hdr.size = 64;  // a drop record cannot be that small
  EXPECT_EQ(decode_record(test::bytes_of(r), d).status, DecodeStatus::malformed);
}

TEST(Record, StackAndDataThroughOffsets) {
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 2);
  r.hdr.flags |= NETDROP_RF_STACK | NETDROP_RF_DATA;
  r.data_off = sizeof(r);
  r.data_len = 5;
  r.stack_off = sizeof(r) + 8;
  r.nr_stack = 2;
  r.hdr.size = sizeof(r) + 8 + 16;
  auto b = test::bytes_of(r, 24);
  std::memcpy(b.data() + sizeof(r), "\x45\x00\x00\x1c\x00", 5);
  uint64_t frames[2] = {0xffffffff81a00010ULL, 0xffffffff81b00020ULL};
  std::memcpy(b.data() + sizeof(r) + 8, frames, 16);
  Drop d;
  ASSERT_EQ(decode_record(b, d).status, DecodeStatus::ok);
  ASSERT_EQ(d.stack_size(), 2U);
  EXPECT_EQ(d.frame(1), frames[1]);
  ASSERT_EQ(d.data.size(), 5U);
  EXPECT_EQ(d.data[0], std::byte{0x45});
}

TEST(Record, OffsetsOutsideRecordAreMalformed) {
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 2);
  Drop d;
  r.hdr.flags |= NETDROP_RF_STACK;
  r.stack_off = sizeof(r);
  r.nr_stack = 3;  // 24 bytes, record has none
  EXPECT_EQ(decode_record(test::bytes_of(r), d).status, DecodeStatus::malformed);
  r.hdr.flags = NETDROP_RF_DATA;
  r.data_off = 2;  // inside the header
  r.data_len = 1;
  EXPECT_EQ(decode_record(test::bytes_of(r), d).status, DecodeStatus::malformed);
  r.hdr.flags = NETDROP_RF_HOOK;
  r.names_off = sizeof(r);
  EXPECT_EQ(decode_record(test::bytes_of(r), d).status, DecodeStatus::malformed);
}

TEST(Record, HookNamesAreTerminated) {
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 2);
  r.hdr.flags |= NETDROP_RF_HOOK;
  r.names_off = sizeof(r);
  r.hdr.size = sizeof(r) + sizeof(netdrop_hook_names);
  auto b = test::bytes_of(r, sizeof(netdrop_hook_names));
  std::memset(b.data() + sizeof(r), 'A', sizeof(netdrop_hook_names));  // no NULs at all
  Drop d;
  ASSERT_EQ(decode_record(b, d).status, DecodeStatus::ok);
  ASSERT_TRUE(d.hook_names.has_value());
  EXPECT_EQ(std::strlen(d.hook_names->func), sizeof(d.hook_names->func) - 1);
}

// ABI 1.3 appended the rule handle to the hook names: a 1.2 record (no
// NETDROP_RF_RULE, the names ending the record) still decodes, rule 0; a
// record claiming a rule without room for it is malformed.
TEST(Record, HookNamesWithAndWithoutTheRule) {
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 2);
  constexpr size_t old_names = offsetof(netdrop_hook_names, rule);
  static_assert(old_names == 248 && sizeof(netdrop_hook_names) == 256);
  r.hdr.flags |= NETDROP_RF_HOOK;
  r.names_off = sizeof(r);
  r.hdr.size = sizeof(r) + old_names;
  auto b = test::bytes_of(r, old_names);
  std::memcpy(b.data() + sizeof(r), "nft_do_chain_ipv4", 18);
  Drop d;
  ASSERT_EQ(decode_record(b, d).status, DecodeStatus::ok);
  EXPECT_STREQ(d.hook_names->func, "nft_do_chain_ipv4");
  EXPECT_EQ(d.hook_names->rule, 0U);
  r.hdr.flags |= NETDROP_RF_RULE;
  std::memcpy(b.data(), &r, sizeof(r));
  EXPECT_EQ(decode_record(b, d).status, DecodeStatus::malformed);
  r.hdr.size = sizeof(r) + sizeof(netdrop_hook_names);
  auto c = test::bytes_of(r, sizeof(netdrop_hook_names));
  uint64_t handle = 42;
  std::memcpy(c.data() + sizeof(r) + old_names, &handle, sizeof(handle));
  ASSERT_EQ(decode_record(c, d).status, DecodeStatus::ok);
  EXPECT_EQ(d.hook_names->rule, 42U);
}

TEST(Record, AbiLayoutIsStable) {
  // The ABI is the contract with the kernel: a layout change must be
  // deliberate (and bump NETDROP_ABI_MAJOR).
  EXPECT_EQ(sizeof(netdrop_rec_hdr), 8U);
  EXPECT_EQ(sizeof(netdrop_drop) % 8, 0U);
  EXPECT_EQ(offsetof(netdrop_drop, ts_ns), 8U);
  EXPECT_EQ(sizeof(netdrop_filter) % 8, 0U);
  EXPECT_EQ(sizeof(netdrop_hook_entry) % 8, 0U);
  EXPECT_EQ(offsetof(netdrop_ring_ctrl, lost) - offsetof(netdrop_ring_ctrl, seen), 24U);
  // ABI 1.1: the session listing.
  EXPECT_EQ(sizeof(netdrop_session_entry), 88U);
  EXPECT_EQ(offsetof(netdrop_session_entry, seen), 40U);
  EXPECT_EQ(sizeof(netdrop_sessions_req), 24U);
}

TEST(Record, Names) {
  EXPECT_EQ(tcp_flags_string(0x12), "S.");
  EXPECT_EQ(tcp_flags_string(0), "none");
  EXPECT_EQ(l4_name(IPPROTO_ICMPV6), "icmp6");
  uint8_t a6[16] = {0x20, 0x01, 0x0d, 0xb8};
  a6[15] = 8;
  EXPECT_EQ(format_addr(AF_INET6, a6), "2001:db8::8");
}

// ABI 1.5: the conntrack entry at ct_off, bounded like every other part.
TEST(Record, ConntrackPart) {
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 2);
  r.hdr.flags |= NETDROP_RF_CT;
  r.ct_off = sizeof(r);
  r.hdr.size = sizeof(r) + sizeof(netdrop_ct);
  netdrop_ct ct{};
  ct.zone = 7;
  ct.mark = 0x42;
  auto b = test::bytes_of(r, sizeof(ct));
  std::memcpy(b.data() + sizeof(r), &ct, sizeof(ct));
  Drop d;
  ASSERT_EQ(decode_record(b, d).status, DecodeStatus::ok);
  ASSERT_TRUE(d.ct.has_value());
  EXPECT_EQ(d.ct->zone, 7);
  EXPECT_EQ(d.ct->mark, 0x42U);
  r.hdr.size = sizeof(r) + sizeof(netdrop_ct) - 8;  // the part runs past the record
  EXPECT_EQ(decode_record(test::bytes_of(r, sizeof(ct) - 8), d).status, DecodeStatus::malformed);
  r.hdr.flags &= ~NETDROP_RF_CT;
  ASSERT_EQ(decode_record(test::bytes_of(r, sizeof(ct) - 8), d).status, DecodeStatus::ok);
  EXPECT_FALSE(d.ct.has_value());
}

// A long recording of few locations keeps few addresses (the list is
// compacted as it grows), and every distinct one survives.
TEST(Record, AddressSetKeepsDistinctAddressesOnly) {
  AddressSet set;
  Event ev;
  for (uint64_t i = 0; i < 100000; i++) {
    auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 40000, 9999);
    r.location = 0xffffffff81000000ULL + (i % 3) * 0x10;
    auto b = test::bytes_of(r);
    ASSERT_EQ(decode_event(b, ev).status, DecodeStatus::ok);
    set.add(ev);
  }
  const std::vector<uint64_t>& a = set.addresses();
  ASSERT_EQ(a.size(), 3U);
  EXPECT_EQ(a[0], 0xffffffff81000000ULL);
  EXPECT_EQ(a[2], 0xffffffff81000020ULL);
}
