#include "symbols.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace netdrop;

namespace {

std::string fixture() {
  std::ifstream in(NETDROP_TEST_DATA "/kallsyms.txt");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST(Symbolizer, ResolvesKernelAndModuleSymbols) {
  Symbolizer s = Symbolizer::from_text(fixture());
  EXPECT_EQ(s.location(0xffffffff81a000f3ULL), "nf_hook_slow+0xf3");
  Resolved r = s.resolve(0xffffffffc0a00010ULL);
  ASSERT_NE(r.sym, nullptr);
  EXPECT_EQ(r.sym->name, "net_hook_in_v4");
  EXPECT_EQ(r.sym->module, "resguard_linux");
  EXPECT_EQ(r.offset, 0x10U);
}

TEST(Symbolizer, DataSymbolsAreNotFunctions) {
  Symbolizer s = Symbolizer::from_text(fixture());
  // some_data (D) is skipped: the address belongs to udp_rcv's range.
  EXPECT_EQ(s.location(0xffffffff81c00004ULL), "udp_rcv+0xff004");
}

TEST(Symbolizer, UnknownAddresses) {
  Symbolizer s = Symbolizer::from_text(fixture());
  EXPECT_EQ(s.location(0x1000), "0x1000");
  // Far beyond the last symbol of a module: not attributed to it.
  EXPECT_EQ(s.location(0xffffffffc0c00000ULL), "0xffffffffc0c00000");
}

TEST(Symbolizer, RangeOfFunction) {
  Symbolizer s = Symbolizer::from_text(fixture());
  auto r = s.range_of("nf_hook_slow");
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->first, 0xffffffff81a00000ULL);
  EXPECT_EQ(r->second, 0xffffffff81a00200ULL);
  EXPECT_FALSE(s.range_of("no_such_function").has_value());
}

TEST(Symbolizer, ReloadsFileWhenAddressUnknown) {
  std::string path = ::testing::TempDir() + "/kallsyms-reload";
  {
    std::ofstream out(path);
    out << "ffffffff81000000 T _stext\n";
  }
  Symbolizer s(path, 0);
  EXPECT_EQ(s.location(0xffffffffc0d00004ULL), "0xffffffffc0d00004");
  {
    std::ofstream out(path, std::ios::app);
    out << "ffffffffc0d00000 t late_fn\t[late_mod]\n";
  }
  EXPECT_EQ(s.location(0xffffffffc0d00004ULL), "late_fn+0x4");
}

TEST(Symbolizer, SubsetRoundTrips) {
  Symbolizer s = Symbolizer::from_text(fixture());
  std::string sub = s.subset_text({0xffffffffc0a00010ULL, 0xffffffff81a000f3ULL});
  Symbolizer t = Symbolizer::from_text(sub);
  EXPECT_EQ(t.location(0xffffffffc0a00010ULL), "net_hook_in_v4+0x10");
  EXPECT_EQ(t.location(0xffffffff81a000f3ULL), "nf_hook_slow+0xf3");
  EXPECT_LT(t.symbols().size(), s.symbols().size());
}
