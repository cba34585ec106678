// Netfilter hooks as netdrop.ko reports them, with the names users know.
#pragma once

#include <netdrop/netdrop.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netdrop {

struct Hook {
  netdrop_hook_entry raw{};
  std::string taint;  // /sys/module/NAME/taint letters, empty if built in
  uint32_t netns = 0;

  [[nodiscard]] std::string_view function() const;
  [[nodiscard]] std::string_view module() const;
  [[nodiscard]] std::string_view table() const;
  [[nodiscard]] std::string_view chain() const;
  // Not part of the running kernel's build: out-of-tree or unsigned.
  [[nodiscard]] bool third_party() const;
};

// Reads the hooks of the namespace open at netns_fd (-1: ours).
std::vector<Hook> read_hooks(int dev_fd, int netns_fd, uint32_t* netns_inode);
// /sys/module/NAME/taint ("" when built in or unknown).
std::string module_taint(std::string_view module, const std::string& sysfs_root = "/sys/module");
// "out-of-tree, unsigned" from taint letters.
std::string describe_taint(std::string_view taint);

std::string_view pf_name(uint8_t pf);
// enum netdrop_hook_ops_type as JSON and explain name it: "nftables",
// "bpf", or "" for any other hook.
std::string_view ops_type_name(uint8_t ops_type);
std::string_view hook_name(uint8_t pf, uint8_t hooknum);
// nft's names: ip, ip6, inet, arp, bridge, netdev.
std::string_view nft_family_name(uint8_t family);
// ipv4|ipv6|arp|bridge|netdev -> NFPROTO_*; throws UsageError.
uint8_t parse_pf(std::string_view name);
// prerouting|local-in|forward|local-out|postrouting|ingress|egress (and
// arp's in|out) -> hook number for pf; nullopt when pf has no such hook.
std::optional<uint8_t> parse_hook(std::string_view name, uint8_t pf);
void check_hook_name(std::string_view name);
// "NF_IP_PRI_FILTER" etc., or "" when the priority has no name.
std::string_view priority_name(uint8_t pf, int32_t priority);

// Orders hooks as the kernel runs them: netns, family, hook, device,
// priority, list position.
bool hook_order_before(const Hook& a, const Hook& b);

std::string format_hook_text(const Hook& h);
std::string format_hook_json(const Hook& h);

}  // namespace netdrop
