#include <gtest/gtest.h>
#include "record.hpp"
TEST(Record, EmptyBufferIsTruncated) {
  netdrop::Drop d;
  EXPECT_EQ(netdrop::decode_record({}, d).status, netdrop::DecodeStatus::truncated);
}
