#include "record.hpp"

#include <gtest/gtest.h>
TEST(Record, EmptyBufferIsTruncated) {
  netdrop::Drop d;
  EXPECT_EQ(netdrop::decode_record({}, d).status, netdrop::DecodeStatus::truncated);
}
