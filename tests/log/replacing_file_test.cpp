#include "upwatch/log/replacing_file.hpp"

#include <gtest/gtest.h>

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
