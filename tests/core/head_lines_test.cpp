#include "upwatch/core/head_lines.hpp"

#include <gtest/gtest.h>

#include <string>

TEST(HeadLines, KeepsWhatFitsAndCountsTheRest) {
  upwatch::HeadLines head;
  head.keep("HTTP/1.1 200 OK\r\n");
  head.keep("\r\n");
  head.keep(std::string(upwatch::kMaxKeptLine + 10, 'x') + "\n");
  EXPECT_EQ(head.lines.size(), 2U);
  EXPECT_EQ(head.lines[0], "HTTP/1.1 200 OK");
  EXPECT_EQ(head.lines[1].size(), upwatch::kMaxKeptLine);
  for (std::size_t i = 0; i < upwatch::kMaxKeptLines; ++i) head.keep("X: y\r\n");
  EXPECT_EQ(head.lines.size(), upwatch::kMaxKeptLines);
  EXPECT_EQ(head.dropped_lines, 2U);
  EXPECT_EQ(head.dropped_bytes, 12U);
  head.clear();
  EXPECT_TRUE(head.lines.empty());
  EXPECT_EQ(head.kept_bytes + head.dropped_lines + head.dropped_bytes, 0U);
}
