#include "qdisc.hpp"

#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/gen_stats.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>

#include <array>
#include <ctime>
#include <memory>
#include <vector>

namespace netdrop {

namespace {

// The drops of one qdisc message: TCA_STATS2's queue statistics, else the
// old TCA_STATS.
bool qdisc_drops(const nlmsghdr* h, uint64_t& drops) {
  const auto* t = static_cast<const tcmsg*>(mnl_nlmsg_get_payload(h));
  bool found = false;
  // mnl_attr_for_each, spelled out: C's void* conversions do not compile.
  for (auto* a = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(h, sizeof(*t)));
       mnl_attr_ok(a, static_cast<int>(static_cast<const char*>(mnl_nlmsg_get_payload_tail(h)) -
                                       reinterpret_cast<const char*>(a)));
       a = mnl_attr_next(a)) {
    if (mnl_attr_get_type(a) == TCA_STATS2) {
      for (auto* n = static_cast<const nlattr*>(mnl_attr_get_payload(a));
           mnl_attr_ok(n, static_cast<int>(static_cast<const char*>(mnl_attr_get_payload(a)) +
                                           mnl_attr_get_payload_len(a) - reinterpret_cast<const char*>(n)));
           n = mnl_attr_next(n)) {
        if (mnl_attr_get_type(n) != TCA_STATS_QUEUE || mnl_attr_get_payload_len(n) < sizeof(gnet_stats_queue)) continue;
        drops = static_cast<const gnet_stats_queue*>(mnl_attr_get_payload(n))->drops;
        return true;
      }
    } else if (mnl_attr_get_type(a) == TCA_STATS && mnl_attr_get_payload_len(a) >= sizeof(tc_stats)) {
      drops = static_cast<const tc_stats*>(mnl_attr_get_payload(a))->drops;
      found = true;
    }
  }
  return found;
}

int on_qdisc(const nlmsghdr* h, void* data) {
  auto& out = *static_cast<Counters*>(data);
  if (h->nlmsg_type != RTM_NEWQDISC || mnl_nlmsg_get_payload_len(h) < sizeof(tcmsg)) return MNL_CB_OK;
  const auto* t = static_cast<const tcmsg*>(mnl_nlmsg_get_payload(h));
  bool root = t->tcm_parent == TC_H_ROOT, ingress = t->tcm_parent == TC_H_INGRESS;
  std::array<char, IF_NAMESIZE> name{};
  uint64_t drops = 0;
  if ((!root && !ingress) || if_indextoname(static_cast<unsigned>(t->tcm_ifindex), name.data()) == nullptr ||
      !qdisc_drops(h, drops))
    return MNL_CB_OK;
  out[fmt::format("qdisc.{}.{}drops", name.data(), ingress ? "ingress." : "")] = drops;
  return MNL_CB_OK;
}

}  // namespace

void read_qdisc_stats(Counters& out) {
  std::unique_ptr<mnl_socket, decltype(&mnl_socket_close)> nl{mnl_socket_open(NETLINK_ROUTE), &mnl_socket_close};
  if (!nl || mnl_socket_bind(nl.get(), 0, MNL_SOCKET_AUTOPID) < 0) return;
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* h = mnl_nlmsg_put_header(buf.data());
  h->nlmsg_type = RTM_GETQDISC;
  h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  uint32_t seq = h->nlmsg_seq = static_cast<uint32_t>(time(nullptr));
  auto* t = static_cast<tcmsg*>(mnl_nlmsg_put_extra_header(h, sizeof(tcmsg)));
  t->tcm_family = AF_UNSPEC;
  if (mnl_socket_sendto(nl.get(), h, h->nlmsg_len) < 0) return;
  uint32_t port = mnl_socket_get_portid(nl.get());
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl.get(), buf.data(), buf.size());
    if (n <= 0) return;
    int rc = mnl_cb_run(buf.data(), static_cast<size_t>(n), seq, port, on_qdisc, &out);
    if (rc <= MNL_CB_STOP) return;
  }
}

}  // namespace netdrop
