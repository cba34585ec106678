// The nf_tables rules of the current network namespace, with their handles,
// counters and a readable text, through libnftnl + libmnl (nothing is
// changed: a netlink dump, as `nft list ruleset` does).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

struct nftnl_rule;

namespace netdrop {

struct NftRule {
  std::string family;  // nft's names: ip, ip6, inet, bridge, netdev, arp
  std::string table;
  std::string chain;
  uint64_t handle = 0;
  std::string text;    // "ip saddr 10.0.2.8 counter packets 3 bytes 180 drop"
  bool drops = false;  // its verdict is drop
  bool has_counter = false;
  uint64_t packets = 0;  // its counter, when it has one
};

// Throws SystemError when nf_tables cannot be asked (no module: empty).
std::vector<NftRule> read_nft_rules();

// A rule's expressions as nft-like text, and what explain needs of it.
NftRule describe_rule(const nftnl_rule* r);

}  // namespace netdrop
