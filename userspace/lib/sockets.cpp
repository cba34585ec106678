#include "sockets.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string_view>
#include <system_error>
#include <vector>

#include "fileio.hpp"
#include "session.hpp"

namespace netdrop {

namespace {

// TCP states as the kernel numbers them (include/net/tcp_states.h).
constexpr unsigned tcp_syn_recv = 3, tcp_listen = 10, tcp_new_syn_recv = 12;

struct MnlSocket {
  std::unique_ptr<mnl_socket, decltype(&mnl_socket_close)> nl{mnl_socket_open(NETLINK_SOCK_DIAG), &mnl_socket_close};
};

struct Query {
  uint8_t family;
  uint8_t protocol;
  uint32_t states;
  std::vector<ExplainSocket>* out;
  uint32_t netns;
};

std::string state_name(uint8_t proto, uint8_t state) {
  if (proto == IPPROTO_UDP) return "";
  if (state == tcp_listen) return "listen";
  if (state == tcp_syn_recv || state == tcp_new_syn_recv) return "syn-recv";
  return "other";
}

void meminfo(const nlattr* a, ExplainSocket& s) {
  if (mnl_attr_get_type(a) != INET_DIAG_SKMEMINFO) return;
  const auto* m = static_cast<const uint32_t*>(mnl_attr_get_payload(a));
  size_t n = mnl_attr_get_payload_len(a) / sizeof(uint32_t);
  if (n > SK_MEMINFO_RCVBUF) {
    s.queued = m[SK_MEMINFO_RMEM_ALLOC];
    s.rcvbuf = m[SK_MEMINFO_RCVBUF];
  }
  if (n > SK_MEMINFO_DROPS) s.drops = m[SK_MEMINFO_DROPS];
}

int on_message(const nlmsghdr* h, void* data) {
  auto& q = *static_cast<Query*>(data);
  if (mnl_nlmsg_get_payload_len(h) < sizeof(inet_diag_msg)) return MNL_CB_OK;
  const auto* m = static_cast<const inet_diag_msg*>(mnl_nlmsg_get_payload(h));
  ExplainSocket s;
  s.proto = q.protocol == IPPROTO_UDP ? "udp" : "tcp";
  s.state = state_name(q.protocol, m->idiag_state);
  std::array<char, INET6_ADDRSTRLEN> buf{};
  inet_ntop(m->idiag_family, m->id.idiag_src, buf.data(), buf.size());
  s.addr = buf.data();
  s.port = ntohs(m->id.idiag_sport);
  s.netns = q.netns;
  s.inode = m->idiag_inode;
  // mnl_attr_for_each, spelled out: C's void* conversions do not compile.
  for (auto* a = static_cast<const nlattr*>(mnl_nlmsg_get_payload_offset(h, sizeof(*m)));
       mnl_attr_ok(a, static_cast<int>(static_cast<const char*>(mnl_nlmsg_get_payload_tail(h)) -
                                       reinterpret_cast<const char*>(a)));
       a = mnl_attr_next(a))
    meminfo(a, s);
  q.out->push_back(std::move(s));
  return MNL_CB_OK;
}

void dump(const MnlSocket& s, Query& q) {
  std::vector<char> buf(MNL_SOCKET_BUFFER_SIZE);
  nlmsghdr* h = mnl_nlmsg_put_header(buf.data());
  h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
  h->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  uint32_t seq = h->nlmsg_seq = static_cast<uint32_t>(time(nullptr)) + q.protocol + q.family;
  auto* r = static_cast<inet_diag_req_v2*>(mnl_nlmsg_put_extra_header(h, sizeof(inet_diag_req_v2)));
  r->sdiag_family = q.family;
  r->sdiag_protocol = q.protocol;
  r->idiag_states = q.states;
  r->idiag_ext = 1U << (INET_DIAG_SKMEMINFO - 1);
  if (mnl_socket_sendto(s.nl.get(), h, h->nlmsg_len) < 0)
    throw SystemError(fmt::format("sock_diag: cannot ask for sockets: {}", std::strerror(errno)));
  uint32_t port = mnl_socket_get_portid(s.nl.get());
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(s.nl.get(), buf.data(), buf.size());
    if (n < 0) throw SystemError(fmt::format("sock_diag: {}", std::strerror(errno)));
    int rc = mnl_cb_run(buf.data(), n, seq, port, on_message, &q);
    if (rc == MNL_CB_STOP) return;
    if (rc < 0) throw SystemError(fmt::format("sock_diag: {}", std::strerror(errno)));
  }
}

}  // namespace

std::vector<ExplainSocket> read_sockets(uint32_t netns) {
  MnlSocket s;
  if (!s.nl || mnl_socket_bind(s.nl.get(), 0, MNL_SOCKET_AUTOPID) < 0)
    throw SystemError(fmt::format("sock_diag: cannot open a netlink socket: {}", std::strerror(errno)));
  std::vector<ExplainSocket> out;
  constexpr uint32_t tcp_states = (1U << tcp_listen) | (1U << tcp_syn_recv) | (1U << tcp_new_syn_recv);
  for (uint8_t family : {AF_INET, AF_INET6}) {
    Query udp{family, IPPROTO_UDP, ~0U, &out, netns};
    dump(s, udp);
    Query tcp{family, IPPROTO_TCP, tcp_states, &out, netns};
    dump(s, tcp);
  }
  return out;
}

void find_owners(std::vector<ExplainSocket>& sockets, const std::string& proc_root) {
  std::map<uint64_t, ExplainSocket*> by_inode;
  for (ExplainSocket& s : sockets)
    if (s.inode != 0) by_inode[s.inode] = &s;
  if (by_inode.empty()) return;
  std::error_code ec;
  for (const auto& p : std::filesystem::directory_iterator(proc_root, ec)) {
    std::string pid = p.path().filename();
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    for (const auto& fd : std::filesystem::directory_iterator(p.path() / "fd", ec)) {
      std::string target = std::filesystem::read_symlink(fd.path(), ec).string();
      if (!target.starts_with("socket:[")) continue;
      auto it = by_inode.find(std::strtoull(target.c_str() + 8, nullptr, 10));
      if (it == by_inode.end() || it->second->pid != 0) continue;
      it->second->pid = static_cast<uint32_t>(std::stoul(pid));
      std::string comm = read_file((p.path() / "comm").string());
      while (!comm.empty() && comm.back() == '\n') comm.pop_back();
      it->second->owner = comm;
    }
    ec.clear();
  }
}

}  // namespace netdrop
