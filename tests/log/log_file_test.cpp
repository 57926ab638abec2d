#include "upwatch/log/log_file.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "upwatch/core/error.hpp"
#include "upwatch/log/probe_log.hpp"

namespace {

std::string contents(const std::string& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>(in), {}};
}

/// Lost records as the text log writes them, for a run without identifier.
std::string text_lost(const upwatch::LostRecords& lost) { return upwatch::format_lost(lost); }

/// A FIFO in the test's temporary directory, with a reader that reads only when asked.
class SlowPipe {
 public:
  explicit SlowPipe(const char* name) : path_(::testing::TempDir() + "/" + name) {
    std::remove(path_.c_str());
    EXPECT_EQ(::mkfifo(path_.c_str(), 0600), 0);
    reader_ = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    EXPECT_GE(reader_, 0);
  }
  ~SlowPipe() {
    ::close(reader_);
    std::remove(path_.c_str());
  }
  SlowPipe(const SlowPipe&) = delete;
  SlowPipe& operator=(const SlowPipe&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  /// Reads all the pipe holds, and appends it to read().
  void drain() {
    std::array<char, 65536> buffer{};
    for (ssize_t n; (n = ::read(reader_, buffer.data(), buffer.size())) > 0;) {
      read_.append(buffer.data(), static_cast<std::size_t>(n));
    }
  }
  /// Everything drained so far.
  [[nodiscard]] const std::string& read() const { return read_; }

 private:
  std::string path_;
  int reader_ = -1;
  std::string read_;
};

/// A fresh path in the test's temporary directory.
std::string temp_path(const char* name) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::remove(path.c_str());
  return path;
}

/// The records that the lost lines of `text` count, in all.
std::size_t log_lost_total(const std::string& text) {
  std::size_t total = 0;
  for (auto at = text.find(" records="); at != std::string::npos;
       at = text.find(" records=", at + 1)) {
    total += std::stoul(text.substr(at + 9));
  }
  return total;
}

}  // namespace

TEST(LogFile, AppendsToAFileWholeRecordsAtATime) {
  const auto path = temp_path("upwatch_log_file_test.log");
  {
    upwatch::LogFile log{path, text_lost};
    ASSERT_TRUE(log.append("first\n"));
  }
  {
    upwatch::LogFile log{path, text_lost};
    log.discard_if_created();  // it did not: the file was there
    ASSERT_TRUE(log.append("second\n"));
  }
  EXPECT_EQ(contents(path), "first\nsecond\n");
  {
    upwatch::LogFile log{path, text_lost};
    log.truncate();
    ASSERT_TRUE(log.append("third\n"));
  }
  EXPECT_EQ(contents(path), "third\n");
  std::remove(path.c_str());
  {
    upwatch::LogFile log{path, text_lost};
    log.discard_if_created();
  }
  EXPECT_FALSE(std::ifstream{path}.good());
  EXPECT_THROW(upwatch::LogFile("/nonexistent-dir/x.log", text_lost), upwatch::UsageError);
}

TEST(LogFile, OneRunAtATime) {
  const auto path = temp_path("upwatch_log_file_lock.log");
  const upwatch::LogFile first{path, text_lost};
  try {
    const upwatch::LogFile second{path, text_lost};
    ADD_FAILURE() << "a second run on the same log";
  } catch (const upwatch::UsageError& error) {
    EXPECT_NE(std::string{error.what()}.find("in use by another upwatch run"), std::string::npos);
  }
  std::remove(path.c_str());
}

TEST(LogFile, AFifoNobodyReadsIsAnErrorNotAHang) {
  const auto path = temp_path("upwatch_log_file.fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  EXPECT_THROW(upwatch::LogFile(path, text_lost), upwatch::UsageError);
  std::remove(path.c_str());
}

TEST(LogFile, WhatWasLostIsRecordedOnceTheLogCanBeWrittenAgain) {
  // A pipe whose reader falls behind: appends fail without blocking, then work again.
  SlowPipe pipe{"upwatch_log_file_stall.fifo"};
  upwatch::LogFile log{pipe.path(), text_lost};
  const std::string record(1000, 'r');
  std::size_t failed = 0;
  while (log.append(record + "\n")) {
  }
  ++failed;  // the pipe is full
  ASSERT_TRUE(log.lost());
  EXPECT_EQ(log.lost()->records, 1U);
  for (int i = 0; i < 3; ++i) failed += log.append(record + "\n") ? 0 : 1;
  // The reader catches up: the next append first says what was lost.
  pipe.drain();
  ASSERT_TRUE(log.append("after\n"));
  EXPECT_FALSE(log.lost());
  pipe.drain();
  const auto& text = pipe.read();
  // Every append that failed is counted in the lost lines, and the one after them follows.
  EXPECT_EQ(log_lost_total(text), failed) << text.substr(text.rfind('#'));
  EXPECT_TRUE(text.ends_with("\n\nafter\n")) << text.substr(text.rfind('#'));
}

TEST(LogFile, ARecordTornByAFailedWriteDoesNotSwallowTheNext) {
  SlowPipe pipe{"upwatch_log_file_torn.fifo"};
  upwatch::LogFile log{pipe.path(), text_lost};
  const upwatch::WallTime at{std::chrono::sys_days{std::chrono::year{2026} / 11 / 26}};
  upwatch::RunHeader header{.version = "0.1.0",
                            .start = at,
                            .interval = std::chrono::seconds{1},
                            .expect = "100-499",
                            .url = "http://h/"};
  ASSERT_TRUE(log.append(upwatch::format_run_header(header)));
  // A record larger than the pipe holds: written in part, then the pipe is full.
  upwatch::ProbeRecord big{
      .sequence = 0, .sent = at, .outcome = upwatch::Outcome::http(200), .remote = "127.0.0.1:80"};
  for (int i = 0; i < 2000; ++i) big.lines.push_back("X-Filler: " + std::string(60, 'f'));
  EXPECT_FALSE(log.append(upwatch::format_record(big)));
  pipe.drain();
  upwatch::ProbeRecord next{.sequence = 1,
                            .sent = at + std::chrono::seconds{1},
                            .outcome = upwatch::Outcome::http(502),
                            .remote = "127.0.0.1:80",
                            .lines = {"HTTP/1.1 502 Bad Gateway"}};
  ASSERT_TRUE(log.append(upwatch::format_record(next)));
  pipe.drain();
  std::istringstream in{pipe.read()};
  const auto contents = upwatch::read_log(in);
  ASSERT_EQ(contents.runs.size(), 1U);
  ASSERT_EQ(contents.runs[0].records.size(), 2U);  // the torn one (cut short) and the next, whole
  EXPECT_EQ(contents.runs[0].records[1], next);
  ASSERT_EQ(contents.runs[0].lost.size(), 1U);
  EXPECT_EQ(contents.runs[0].lost[0].records, 1U);
}

TEST(LogFile, WhatWasLostStartsOnALineOfItsOwnHoweverLongTheLogStaysFull) {
  SlowPipe pipe{"upwatch_log_file_full.fifo"};
  upwatch::LogFile log{pipe.path(), text_lost};
  // A record larger than the pipe holds is written in part; then nothing can be written.
  EXPECT_FALSE(log.append("* torn " + std::string(200'000, 't') + "\n\n"));
  EXPECT_FALSE(log.append("* next\n\n"));  // still full: ending the torn record fails too
  pipe.drain();
  ASSERT_TRUE(log.append("* after\n\n"));
  pipe.drain();
  const auto& text = pipe.read();
  const auto lost = text.find("# upwatch lost ");
  ASSERT_NE(lost, std::string::npos);
  EXPECT_EQ(text.substr(lost - 3, 3), "t\n\n");  // the torn record ended, then a line of its own
  EXPECT_EQ(log_lost_total(text), 2U);
  EXPECT_TRUE(text.ends_with("\n\n* after\n\n"));
}

TEST(LogFile, AFileEmptiedUnderTheRunOpensWithItsHeaderAgain) {
  const auto path = temp_path("upwatch_log_file_copytruncate.log");
  upwatch::LogFile log{path, text_lost};
  ASSERT_TRUE(log.open_run("HEADER\n\n"));
  ASSERT_TRUE(log.append("first\n"));
  // logrotate's copytruncate: copied elsewhere, then emptied in place.
  ASSERT_EQ(::truncate(path.c_str(), 0), 0);
  ASSERT_TRUE(log.append("second\n"));
  ASSERT_TRUE(log.append("third\n"));
  EXPECT_EQ(contents(path), "HEADER\n\nsecond\nthird\n");
  std::remove(path.c_str());
}

TEST(LogFile, WhatAnotherWriterAppendedIsTakenOnceAndNeverMistakenForTheRuns) {
  const auto path = temp_path("upwatch_log_file_appended.log");
  upwatch::LogFile log{path, text_lost};
  ASSERT_TRUE(log.open_run("HEADER\n\n"));
  EXPECT_EQ(log.take_appended(), "");
  const auto append_elsewhere = [&](std::string_view text) {
    const upwatch::UniqueFd other{::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC)};
    ASSERT_EQ(::write(other.get(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  };
  append_elsewhere("mark one\n");
  ASSERT_TRUE(log.append("first\n"));
  append_elsewhere("mark two\n");
  EXPECT_EQ(log.take_appended(), "mark one\nmark two\n");  // before an append of the run's too
  EXPECT_EQ(log.take_appended(), "");
  ASSERT_TRUE(log.append("second\n"));
  EXPECT_EQ(log.take_appended(), "");
  EXPECT_EQ(contents(path), "HEADER\n\nmark one\nfirst\nmark two\nsecond\n");
  std::remove(path.c_str());
}

TEST(LogFile, AHeaderThatCouldNotBeWrittenComesFirstOnceTheLogCanBeWritten) {
  SlowPipe pipe{"upwatch_log_file_header.fifo"};
  upwatch::LogFile log{pipe.path(), text_lost};
  const std::string filler(1000, 'f');
  while (log.append(filler + "\n")) {
  }
  EXPECT_FALSE(log.open_run("HEADER\n\n"));  // the pipe is full, as a disk can be
  pipe.drain();
  ASSERT_TRUE(log.append("after\n"));
  pipe.drain();
  const auto& text = pipe.read();
  const auto header = text.rfind("HEADER\n\n");
  const auto lost = text.rfind("# upwatch lost ");
  ASSERT_NE(header, std::string::npos) << text.substr(text.size() - 200);
  ASSERT_NE(lost, std::string::npos);
  EXPECT_LT(header, lost);  // the run opens before anything of it is told
  EXPECT_TRUE(text.ends_with("\n\nafter\n")) << text.substr(text.size() - 200);
}

TEST(LogFile, DevNullIsNobodysAlone) {
  // Two runs may both throw their logs away: only a regular file is locked.
  const upwatch::LogFile first{"/dev/null", text_lost};
  EXPECT_NO_THROW(upwatch::LogFile("/dev/null", text_lost));
}
