#include "upwatch/log/replacing_file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "upwatch/core/error.hpp"

using upwatch::ReplacingFile;

namespace {

std::string contents(const std::filesystem::path& path) {
  std::ifstream in{path};
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

TEST(ReplacingFile, TakesThePlaceOfTheOldFileOnlyWhenCommittedAndLeavesNothingElse) {
  const auto dir = std::filesystem::path{::testing::TempDir()} / "replacing-file";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directory(dir);
  const auto path = dir / "page.html";
  std::ofstream{path} << "old";
  {
    ReplacingFile file{path.string()};
    EXPECT_EQ(contents(path), "old");  // not yet
  }
  EXPECT_EQ(contents(path), "old");  // never committed: the old file stays
  {
    ReplacingFile file{path.string()};
    file.commit("new");
  }
  EXPECT_EQ(contents(path), "new");
  const auto files = std::distance(std::filesystem::directory_iterator{dir}, {});
  EXPECT_EQ(files, 1);  // no temporary file left
  EXPECT_THROW(ReplacingFile{(dir / "missing" / "page.html").string()}, upwatch::UsageError);
  std::filesystem::remove_all(dir);
}

TEST(ReplacingFile, NeverDestroysWhatItIsPointedAt) {
  const auto dir = std::filesystem::path{::testing::TempDir()} / "replacing-kinds";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directory(dir);
  // A symbolic link: its target is written, and the link stays a link.
  std::ofstream{dir / "real.html"} << "old";
  std::filesystem::create_symlink("real.html", dir / "link.html");
  ReplacingFile{(dir / "link.html").string()}.commit("new");
  EXPECT_TRUE(std::filesystem::is_symlink(dir / "link.html"));
  EXPECT_EQ(contents(dir / "real.html"), "new");
  // A device is written in place, not replaced by a regular file.
  ReplacingFile{"/dev/null"}.commit("discarded");
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/null"));
  try {
    ReplacingFile{"/dev/full"}.commit("no room");
    ADD_FAILURE() << "/dev/full took it";
  } catch (const upwatch::UsageError& error) {
    EXPECT_NE(std::string{error.what()}.find("No space left on device"), std::string::npos);
  }
  EXPECT_TRUE(std::filesystem::is_character_file("/dev/full"));
  // A FIFO nobody reads is an error, not a hang, and stays a FIFO; a directory is refused.
  ASSERT_EQ(::mkfifo((dir / "pipe").c_str(), 0600), 0);
  EXPECT_THROW(ReplacingFile{(dir / "pipe").string()}, upwatch::UsageError);
  EXPECT_TRUE(std::filesystem::is_fifo(dir / "pipe"));
  EXPECT_THROW(ReplacingFile{dir.string()}, upwatch::UsageError);
  std::filesystem::remove_all(dir);
}
