// User-space throughput of netdropctl's pieces on realistic records:
// decode + filter, text and JSON lines, pcapng packets, the ring consumer
// loop, and memcpy of the same bytes as the ceiling.  Each benchmark
// processes the same 4096-record batch; items are records.
#include <arpa/inet.h>
#include <benchmark/benchmark.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "filter.hpp"
#include "format.hpp"
#include "pcapng.hpp"
#include "record.hpp"
#include "session.hpp"
#include "symbols.hpp"
#include "test_util.hpp"

namespace {

using netdrop::Bytes;

constexpr size_t kRecords = 4096;
constexpr size_t kSnap = 64;

// kRecords UDP drops with 64 packet bytes each, back to back as in a ring.
struct Batch {
  std::vector<std::byte> bytes;
  std::vector<size_t> offsets;
};

const Batch& batch() {
  static const Batch b = [] {
    Batch out;
    for (size_t i = 0; i < kRecords; i++) {
      std::string src = "10.0." + std::to_string(i % 4) + "." + std::to_string(i % 250 + 1);
      auto r = netdrop::test::udp4_drop(src.c_str(), "10.0.0.3", static_cast<uint16_t>(30000 + i % 1000),
                                        static_cast<uint16_t>(1000 + i % 2000));
      r.hdr.flags |= NETDROP_RF_DATA;
      r.data_off = sizeof(r);
      r.data_len = kSnap;
      r.hdr.size = sizeof(r) + kSnap;
      r.ts_ns += i * 1000;
      r.location = 0xffffffff81b00000ULL + (i % 7) * 0x40;
      auto rec = netdrop::test::bytes_of(r, kSnap);
      out.offsets.push_back(out.bytes.size());
      out.bytes.insert(out.bytes.end(), rec.begin(), rec.end());
    }
    return out;
  }();
  return b;
}

Bytes record_at(const Batch& b, size_t i) {
  size_t end = i + 1 < b.offsets.size() ? b.offsets[i + 1] : b.bytes.size();
  return Bytes(b.bytes.data() + b.offsets[i], end - b.offsets[i]);
}

netdrop::ViewContext& view() {
  static netdrop::Symbolizer symbols = [] {
    std::ifstream f(NETDROP_TEST_DATA "/kallsyms.txt");
    std::stringstream ss;
    ss << f.rdbuf();
    return netdrop::Symbolizer::from_text(ss.str());
  }();
  static netdrop::ViewContext ctx = [] {
    netdrop::ViewContext c;
    c.symbols = &symbols;
    c.reason_names = {{3, "NO_SOCKET"}};
    c.utc = true;
    return c;
  }();
  return ctx;
}

void set_counters(benchmark::State& state) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kRecords));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * batch().bytes.size()));
}

void BM_Memcpy(benchmark::State& state) {
  const Batch& b = batch();
  std::vector<std::byte> dst(b.bytes.size());
  for (auto _ : state) {
    std::memcpy(dst.data(), b.bytes.data(), b.bytes.size());
    benchmark::ClobberMemory();
  }
  set_counters(state);
}

void BM_DecodeFilter(benchmark::State& state) {
  const Batch& b = batch();
  netdrop::FilterSpec spec;
  spec.src = netdrop::parse_cidr("10.0.2.0/24");
  spec.dport = netdrop::parse_port_range("1000-1999");
  netdrop::Drop d;
  size_t matched = 0;
  for (auto _ : state) {
    for (size_t off : b.offsets) {
      Bytes rec(b.bytes.data() + off, b.bytes.size() - off);
      if (netdrop::decode_record(rec, d).status == netdrop::DecodeStatus::ok && spec.matches(d)) matched++;
    }
  }
  benchmark::DoNotOptimize(matched);
  set_counters(state);
}

// Decodes each record and formats it as one line with format.
template <typename Format>
void format_lines(benchmark::State& state, Format format) {
  const Batch& b = batch();
  netdrop::Drop d;
  size_t chars = 0;
  for (auto _ : state) {
    for (size_t i = 0; i < kRecords; i++) {
      (void)netdrop::decode_record(record_at(b, i), d);
      chars += format(d, view()).size();
    }
  }
  benchmark::DoNotOptimize(chars);
  set_counters(state);
}

void BM_TextLines(benchmark::State& state) { format_lines(state, netdrop::format_text); }

void BM_JsonLines(benchmark::State& state) { format_lines(state, netdrop::format_json); }

void BM_PcapngPackets(benchmark::State& state) {
  const Batch& b = batch();
  netdrop::PcapngWriter w("/dev/null");
  netdrop::Drop d;
  for (auto _ : state) {
    for (size_t i = 0; i < kRecords; i++) {
      (void)netdrop::decode_record(record_at(b, i), d);
      w.write(d.raw.ts_ns, d.data, d.raw.len, "__udp4_lib_rcv+0x545 NO_SOCKET dev eth0 netns 4026532211");
    }
  }
  w.flush();
  set_counters(state);
}

// The consumer loop of netdropctl (drain_rings) over two CPU rings holding
// the batch, positions reset each iteration.
void BM_ConsumerLoop(benchmark::State& state) {
  const Batch& b = batch();
  uint64_t size = 1;
  while (size < b.bytes.size()) size <<= 1;
  std::vector<std::vector<std::byte>> data(2, std::vector<std::byte>(2 * size));
  std::vector<netdrop_ring_consumer> consumers(2);
  std::vector<netdrop_ring_ctrl> ctrls(2);
  std::vector<netdrop::Ring> rings(2);
  size_t half = b.offsets[kRecords / 2];
  for (size_t c = 0; c < 2; c++) {
    const std::byte* from = b.bytes.data() + (c == 0 ? 0 : half);
    size_t len = c == 0 ? half : b.bytes.size() - half;
    std::memcpy(data[c].data(), from, len);
    ctrls[c].data_size = size;
    ctrls[c].producer_pos = len;
    rings[c].cpu = static_cast<unsigned>(c);
    rings[c].consumer = &consumers[c];
    rings[c].ctrl = &ctrls[c];
    rings[c].data = data[c].data();
    rings[c].size = size;
  }
  size_t seen = 0;
  for (auto _ : state) {
    consumers[0].consumer_pos = consumers[1].consumer_pos = 0;
    seen += static_cast<size_t>(netdrop::drain_rings(rings, [](Bytes r) { benchmark::DoNotOptimize(r.data()); }));
  }
  benchmark::DoNotOptimize(seen);
  set_counters(state);
}

}  // namespace

BENCHMARK(BM_Memcpy);
BENCHMARK(BM_DecodeFilter);
BENCHMARK(BM_ConsumerLoop);
BENCHMARK(BM_TextLines);
BENCHMARK(BM_JsonLines);
BENCHMARK(BM_PcapngPackets);
BENCHMARK_MAIN();
