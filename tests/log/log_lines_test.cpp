#include "upwatch/log/log_lines.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace {

std::vector<std::string> read_all(const std::string& text, std::vector<bool>* cut = nullptr) {
  std::istringstream in{text};
  upwatch::LineReader reader{in};
  std::vector<std::string> lines;
  for (std::string line; reader.next(line);) {
    lines.push_back(line);
    if (cut != nullptr) cut->push_back(reader.cut());
    EXPECT_EQ(reader.number(), lines.size());
  }
  return lines;
}

}  // namespace

TEST(LineReader, ReadsLfAndCrlfAlike) {
  EXPECT_EQ(read_all("a\r\nb\n\r\nc"), (std::vector<std::string>{"a", "b", "", "c"}));
  EXPECT_EQ(read_all(""), std::vector<std::string>{});
  EXPECT_EQ(read_all("\n"), std::vector<std::string>{""});
  EXPECT_EQ(read_all("a\rb\n"), std::vector<std::string>{"a\rb"});  // a lone CR is text
}

TEST(LineReader, CutsALineTooLongAndGoesOn) {
  const std::string huge(upwatch::kMaxLogLine * 3, 'x');
  std::vector<bool> cut;
  const auto lines = read_all("short\n" + huge + "\nafter\n" + huge, &cut);
  ASSERT_EQ(lines.size(), 4U);
  EXPECT_EQ(lines[1].size(), upwatch::kMaxLogLine);
  EXPECT_EQ(lines[2], "after");
  EXPECT_EQ(cut, (std::vector<bool>{false, true, false, true}));
}

TEST(Escaping, ControlBytesMarkersAndBackslashesRoundTrip) {
  const std::vector<std::string> texts{
      "Server: nginx",
      "X-Evil: \x1b]2;pwned\x07\x1b[2J",
      "curl: (60) SSL: no alternative name matches 'a\n\n* 2026-11-26T00:00:00.000Z #9 200'",
      "* 2026-11-26T00:00:00.000Z #9 200 0.1ms 1.2.3.4:80",
      "# upwatch end 2026-11-26T00:00:00.000Z",
      "C:\\path\\x41 and caf\xc3\xa9",
      std::string{"nul\0byte", 8},
  };
  for (const auto& text : texts) {
    std::string escaped;
    upwatch::append_escaped(escaped, text);
    for (const char c : escaped) {
      EXPECT_TRUE(c >= 0x20 && c <= 0x7e) << escaped;
    }
    EXPECT_NE(escaped.front(), '*');
    EXPECT_NE(escaped.front(), '#');
    EXPECT_EQ(upwatch::unescape(escaped), text) << escaped;
  }
  std::string plain;
  upwatch::append_escaped(plain, "HTTP/1.1 200 OK");
  EXPECT_EQ(plain, "HTTP/1.1 200 OK");
  std::string escape;
  upwatch::append_escaped(escape, "a\x1b[0mb\\");
  EXPECT_EQ(escape, "a\\x1b[0mb\\\\");
}
