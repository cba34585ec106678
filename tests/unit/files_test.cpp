#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>

#include "filter.hpp"
#include "pcapng.hpp"
#include "recfile.hpp"
#include "test_util.hpp"

using namespace netdrop;

namespace {

std::string run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen((cmd + " 2>&1").c_str(), "r"), pclose);
  std::array<char, 4096> buf{};
  while (size_t n = fread(buf.data(), 1, buf.size(), p.get())) out.append(buf.data(), n);
  int st = pclose(p.release());
  if (status != nullptr) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

// An IPv4/UDP packet as netdrop captures it (from the network header).
std::array<uint8_t, 28> udp_packet() {
  return {0x45, 0x00, 0x00, 0x1c, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 10,   0,
          2,    8,    10,   0,    0,    3,    0x9c, 0x40, 0x27, 0x0f, 0x00, 0x08, 0x00, 0x00};
}

}  // namespace

TEST(Pcapng, TsharkReadsPacketsAndComments) {
  std::string path = ::testing::TempDir() + "/drops.pcapng";
  auto pkt = udp_packet();
  {
    PcapngWriter w(path);
    Bytes b(reinterpret_cast<const std::byte*>(pkt.data()), pkt.size());
    w.write(1'700'000'000'123'456'789ULL, b, 28, "__udp4_lib_rcv+0x545 NO_SOCKET dev eth0 netns 4026532211");
    w.write(1'700'000'001'000'000'000ULL, b.first(20), 28, "nf_hook_slow+0xaa NETFILTER_DROP");
    EXPECT_EQ(w.packets(), 2U);
  }
  int status = 0;
  std::string out =
      run("tshark -r " + path + " -T fields -e ip.src -e udp.dstport -e frame.comment -e frame.len", &status);
  ASSERT_EQ(status, 0) << out;
  EXPECT_NE(out.find("10.0.2.8\t9999\t__udp4_lib_rcv+0x545 NO_SOCKET dev eth0 netns 4026532211\t28"), std::string::npos)
      << out;
  EXPECT_NE(out.find("nf_hook_slow+0xaa NETFILTER_DROP"), std::string::npos) << out;
  // Nanosecond timestamps survive.
  std::string ts = run("tshark -r " + path + " -T fields -e frame.time_epoch -c 1");
  EXPECT_NE(ts.find("1700000000.123456789"), std::string::npos) << ts;
}

TEST(Recording, RoundTrip) {
  std::string path = ::testing::TempDir() + "/drops.ndr";
  netdrop_info info{};
  info.abi_major = NETDROP_ABI_MAJOR;
  info.mono_ns = 5;
  info.real_ns = 1'700'000'000'000'000'000ULL;
  auto r1 = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 2);
  auto r2 = test::udp4_drop("10.0.2.7", "10.0.0.3", 3, 4);
  {
    RecordWriter w(path);
    w.write_section(SectionType::info, &info, sizeof(info));
    std::string reasons = "3 NO_SOCKET\n11 NETFILTER_DROP\n";
    w.write_section(SectionType::reasons, reasons.data(), reasons.size());
    w.write_section(SectionType::records, &r1, sizeof(r1));
    w.write_section(SectionType::records, &r2, sizeof(r2));
    std::string syms = "ffffffff81b00000 t __udp4_lib_rcv\n";
    w.write_section(SectionType::symbols, syms.data(), syms.size());
    netdrop_stats st{10, 8, 2, 0};
    w.write_section(SectionType::stats, &st, sizeof(st));
  }
  Recording rec = read_recording(path);
  EXPECT_EQ(rec.info.real_ns, info.real_ns);
  ASSERT_EQ(rec.reasons.size(), 2U);
  EXPECT_EQ(rec.reasons[1].name, "NETFILTER_DROP");
  EXPECT_EQ(rec.reasons[1].value, 11U);
  ASSERT_EQ(rec.records.size(), 2 * sizeof(netdrop_drop));
  Drop d;
  ASSERT_EQ(decode_record(Bytes(rec.records).subspan(sizeof(netdrop_drop)), d).status, DecodeStatus::ok);
  EXPECT_EQ(d.raw.dport, 4);
  EXPECT_TRUE(rec.has_stats);
  EXPECT_EQ(rec.stats.seen, 10U);
  EXPECT_NE(rec.symbols.find("__udp4_lib_rcv"), std::string::npos);
}

TEST(Recording, RejectsDamagedFiles) {
  std::vector<std::byte> junk(16, std::byte{'x'});
  EXPECT_THROW(parse_recording(junk, "junk"), UsageError);
  std::vector<std::byte> truncated(8);
  std::memcpy(truncated.data(), "NDREC01\n", 8);
  truncated.resize(12);  // half a section header
  EXPECT_THROW(parse_recording(truncated, "t"), UsageError);
  std::vector<std::byte> noinfo(8);
  std::memcpy(noinfo.data(), "NDREC01\n", 8);
  EXPECT_THROW(parse_recording(noinfo, "n"), UsageError);
  // A section claiming more bytes than the file has.
  std::vector<std::byte> big(8 + 16);
  std::memcpy(big.data(), "NDREC01\n", 8);
  uint32_t type = 4;
  uint64_t len = 1ULL << 40;
  std::memcpy(big.data() + 8, &type, 4);
  std::memcpy(big.data() + 16, &len, 8);
  EXPECT_THROW(parse_recording(big, "b"), UsageError);
}

TEST(Cli, ErrorsAreOneLineWithExitStatus) {
  struct Case {
    std::string args;
    int status;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {"stream --src 10.0.0.1/33", 2, "bad address or CIDR '10.0.0.1/33'"},
           {"stream --dport 70000", 2, "bad port or port range '70000'"},
           {"stream --proto xyz", 2, "bad protocol 'xyz'"},
           {"stream --netns /no/such/netns", 2, "bad --netns '/no/such/netns'"},
           {"summary --by nothing", 2, "bad --by 'nothing'"},
           {"stream --bogus", 2, "unrecognised option '--bogus'"},
           {"dump-hooks --hook sideways", 2, "bad --hook 'sideways'"},
           {"frobnicate", 2, "unknown command 'frobnicate'"},
           {"report /nonexistent.ndr", 2, "cannot read /nonexistent.ndr"},
       }) {
    int status = 0;
    std::string out = run(std::string(NETDROPCTL) + " " + c.args, &status);
    EXPECT_EQ(status, c.status) << c.args << ": " << out;
    EXPECT_NE(out.find(c.says), std::string::npos) << c.args << ": " << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << c.args << ": " << out;
  }
}

TEST(Cli, HelpTeachesWithExamples) {
  int status = 0;
  std::string out = run(std::string(NETDROPCTL) + " --help", &status);
  EXPECT_EQ(status, 0);
  EXPECT_NE(out.find("netdropctl stream --src 10.0.2.8"), std::string::npos);
  for (const char* cmd : {"stream", "summary", "status", "reasons", "record", "report", "dump-hooks"}) {
    out = run(std::string(NETDROPCTL) + " " + cmd + " --help", &status);
    EXPECT_EQ(status, 0) << cmd;
    EXPECT_NE(out.find("Examples:"), std::string::npos) << cmd;
  }
}

TEST(Cli, ReportReadsARecording) {
  std::string path = ::testing::TempDir() + "/report.ndr";
  netdrop_info info{};
  info.abi_major = NETDROP_ABI_MAJOR;
  info.tp_nargs = 4;
  auto r1 = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 9999);
  auto r2 = test::udp4_drop("10.0.2.7", "10.0.0.3", 3, 9999);
  {
    RecordWriter w(path);
    w.write_section(SectionType::info, &info, sizeof(info));
    std::string reasons = "3 NO_SOCKET\n";
    w.write_section(SectionType::reasons, reasons.data(), reasons.size());
    w.write_section(SectionType::records, &r1, sizeof(r1));
    w.write_section(SectionType::records, &r2, sizeof(r2));
    std::string syms = "ffffffff81b00000 t __udp4_lib_rcv\nffffffff81b01000 t udp_rcv\n";
    w.write_section(SectionType::symbols, syms.data(), syms.size());
  }
  int status = 0;
  std::string out = run(std::string(NETDROPCTL) + " report " + path + " --src 10.0.2.8 --json", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find(R"("location":"__udp4_lib_rcv+0x545")"), std::string::npos) << out;
  EXPECT_EQ(out.find("10.0.2.7"), std::string::npos) << out;
  out = run(std::string(NETDROPCTL) + " report " + path + " --summary --by src", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("1 drops at 10.0.2.7"), std::string::npos) << out;
  EXPECT_NE(out.find("1 drops at 10.0.2.8"), std::string::npos) << out;
}

namespace {

// A recording made on Linux 5.10: kfree_skb with 2 arguments, no reasons
// (an empty reasons section), drops with reason 0.
std::string write_510_recording() {
  std::string path = ::testing::TempDir() + "/linux510.ndr";
  netdrop_info info{};
  info.abi_major = NETDROP_ABI_MAJOR;
  info.tp_nargs = 2;
  auto r = test::udp4_drop("10.0.2.8", "10.0.0.3", 1, 9999);
  r.reason = 0;
  RecordWriter w(path);
  w.write_section(SectionType::info, &info, sizeof(info));
  w.write_section(SectionType::reasons, "", 0);
  w.write_section(SectionType::records, &r, sizeof(r));
  std::string syms = "ffffffff81b00000 t __udp4_lib_rcv\n";
  w.write_section(SectionType::symbols, syms.data(), syms.size());
  return path;
}

}  // namespace

TEST(Cli, ReportOfALinux510RecordingHasEmptyReasons) {
  std::string cmd = std::string(NETDROPCTL) + " report " + write_510_recording();
  int status = 0;
  std::string out = run(cmd + " --json", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find(R"("reason":"","reason_value":0,)"), std::string::npos) << out;
  out = run(cmd, &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("__udp4_lib_rcv+0x545 - udp 10.0.2.8:1 > 10.0.0.3:9999"), std::string::npos) << out;
  out = run(cmd + " --summary --by location", &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_NE(out.find("1 drops at __udp4_lib_rcv+0x545\n"), std::string::npos) << out;
}

TEST(Cli, ReasonsOnALinux510RecordingAreOneLineErrors) {
  std::string cmd = std::string(NETDROPCTL) + " report " + write_510_recording();
  for (const auto& [args, says] : std::vector<std::pair<std::string, std::string>>{
           {" --reason NO_SOCKET",
            "netdropctl report: --reason: this kernel has no drop reasons (kfree_skb has 2 "
            "arguments)\n"},
           {" --summary --by reason",
            "netdropctl report: --by reason: this kernel has no drop reasons (kfree_skb has 2 arguments)\n"},
       }) {
    int status = 0;
    std::string out = run(cmd + args, &status);
    EXPECT_EQ(status, 2) << args << ": " << out;
    EXPECT_EQ(out, says) << args;
  }
}
