// Builders for records as netdrop.ko writes them.
#pragma once

#include <arpa/inet.h>
#include <netdrop/netdrop.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>
#include <string>
#include <vector>

#include "record.hpp"

namespace netdrop::test {

inline netdrop_drop udp4_drop(const char* src, const char* dst, uint16_t sport, uint16_t dport) {
  netdrop_drop r{};
  r.hdr.type = NETDROP_REC_DROP;
  r.hdr.size = sizeof(r);
  r.hdr.flags = NETDROP_RF_DECODED | NETDROP_RF_L4;
  r.ts_ns = 1'000'000'123;
  r.location = 0xffffffff81b00000ULL + 0x545;
  r.reason = 3;
  r.cpu = 1;
  r.netns = 4026532211U;
  r.ifindex = 2;
  r.len = 28;
  r.pid = 42;
  r.protocol = 0x0800;
  r.family = AF_INET;
  r.l4proto = IPPROTO_UDP;
  inet_pton(AF_INET, src, r.saddr);
  inet_pton(AF_INET, dst, r.daddr);
  r.sport = sport;
  r.dport = dport;
  std::strcpy(r.ifname, "eth0");
  std::strcpy(r.comm, "python3");
  return r;
}

inline std::vector<std::byte> bytes_of(const netdrop_drop& r, size_t extra = 0) {
  std::vector<std::byte> b(sizeof(r) + extra);
  std::memcpy(b.data(), &r, sizeof(r));
  return b;
}

}  // namespace netdrop::test
