// nft rules as text, from libnftnl objects built the way the kernel dumps them.
#include "nft.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include <cstdint>
#include <memory>

namespace netdrop {
namespace {

using RulePtr = std::unique_ptr<nftnl_rule, decltype(&nftnl_rule_free)>;

nftnl_expr* payload(uint32_t base, uint32_t off, uint32_t len) {
  nftnl_expr* e = nftnl_expr_alloc("payload");
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
  nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
  return e;
}

nftnl_expr* cmp_eq(const void* data, uint32_t len) {
  nftnl_expr* e = nftnl_expr_alloc("cmp");
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
  nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, NFT_CMP_EQ);
  nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
  return e;
}

nftnl_expr* verdict(int v) {
  nftnl_expr* e = nftnl_expr_alloc("immediate");
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
  nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, static_cast<uint32_t>(v));
  return e;
}

RulePtr rule(uint64_t handle) {
  RulePtr r(nftnl_rule_alloc(), &nftnl_rule_free);
  nftnl_rule_set_u32(r.get(), NFTNL_RULE_FAMILY, NFPROTO_IPV4);
  nftnl_rule_set_str(r.get(), NFTNL_RULE_TABLE, "filter");
  nftnl_rule_set_str(r.get(), NFTNL_RULE_CHAIN, "input");
  nftnl_rule_set_u64(r.get(), NFTNL_RULE_HANDLE, handle);
  return r;
}

TEST(Nft, SourceAddressCounterDrop) {
  RulePtr r = rule(4);
  in_addr a{};
  inet_pton(AF_INET, "10.0.2.8", &a);
  nftnl_rule_add_expr(r.get(), payload(NFT_PAYLOAD_NETWORK_HEADER, 12, 4));
  nftnl_rule_add_expr(r.get(), cmp_eq(&a, 4));
  nftnl_expr* c = nftnl_expr_alloc("counter");
  nftnl_expr_set_u64(c, NFTNL_EXPR_CTR_PACKETS, 3);
  nftnl_expr_set_u64(c, NFTNL_EXPR_CTR_BYTES, 180);
  nftnl_rule_add_expr(r.get(), c);
  nftnl_rule_add_expr(r.get(), verdict(NF_DROP));
  NftRule d = describe_rule(r.get());
  EXPECT_EQ(d.family, "ip");
  EXPECT_EQ(d.table, "filter");
  EXPECT_EQ(d.chain, "input");
  EXPECT_EQ(d.handle, 4U);
  EXPECT_EQ(d.text, "ip saddr 10.0.2.8 counter packets 3 bytes 180 drop");
  EXPECT_TRUE(d.drops);
  EXPECT_TRUE(d.has_counter);
  EXPECT_EQ(d.packets, 3U);
}

TEST(Nft, PortAcceptHasNoDrop) {
  RulePtr r = rule(7);
  uint8_t port[2] = {0x23, 0x2a};  // 9002
  nftnl_rule_add_expr(r.get(), payload(NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2));
  nftnl_rule_add_expr(r.get(), cmp_eq(port, 2));
  nftnl_rule_add_expr(r.get(), verdict(NF_ACCEPT));
  NftRule d = describe_rule(r.get());
  EXPECT_EQ(d.text, "th dport 9002 accept");
  EXPECT_FALSE(d.drops);
  EXPECT_FALSE(d.has_counter);
}

}  // namespace
}  // namespace netdrop
