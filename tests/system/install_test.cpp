// What a user gets from `cmake --install` and `cpack -G DEB`: the binary, the manual page and
// the shell completions, each naming exactly the options --help names.

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <regex>
#include <set>
#include <sstream>

#include "process.hpp"
#include "test_server.hpp"

namespace upwatch::testing {
namespace {

using Names = std::set<std::string>;

constexpr auto kLong = std::chrono::minutes{3};

/// Runs `args` in `dir` to its end; returns its exit status, its stdout in `out`.
int run_in(const std::string& dir, const std::vector<std::string>& args, std::string& out) {
  Process process{args, dir};
  const int status = process.wait(kLong);
  out = process.out();
  if (status != 0) out += process.err();
  return status;
}

/// The options of a --help text: each name of each option line ("  -m,--max-time SECONDS").
Names options_of_help(const std::string& help) {
  Names names;
  std::istringstream lines{help};
  for (std::string line; std::getline(lines, line);) {
    if (!line.starts_with("  -")) continue;
    std::istringstream words{line.substr(2)};
    std::string first;
    words >> first;
    std::istringstream parts{first};
    for (std::string name; std::getline(parts, name, ',');) names.insert(name);
  }
  return names;
}

/// The --help of the command `words` ({} for probing, {"report"}, {"mark"}).
Names help_options(const std::string& dir, std::vector<std::string> words) {
  words.insert(words.begin(), UPWATCH_BINARY);
  words.emplace_back("--help");
  std::string out;
  EXPECT_EQ(run_in(dir, words, out), 0) << out;
  return options_of_help(out);
}

/// `names` without the -h, --help, -V and --version that every command has.
Names without_common(Names names) {
  for (const auto* common : {"-h", "--help", "-V", "--version"}) names.erase(common);
  return names;
}

/// The options the manual page names in section `section`: the words starting with - in the
/// first line of each .TP paragraph, roff's escapes taken out.
Names options_of_manual(const std::string& page, const std::string& section) {
  Names names;
  std::istringstream lines{page};
  bool in_section = false;
  bool naming = false;
  const std::regex option{R"((^|[\s"])(--?[A-Za-z0-9][A-Za-z0-9.-]*))"};
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with(".SH ")) in_section = line == ".SH " + section;
    if (!in_section) continue;
    if (line == ".TP") {
      naming = true;
      continue;
    }
    if (!naming) continue;
    naming = false;
    line = std::regex_replace(line, std::regex{R"(\\f[BIRP])"}, "");
    line = std::regex_replace(line, std::regex{R"(\\-)"}, "-");
    for (std::sregex_iterator it{line.begin(), line.end(), option}, end; it != end; ++it) {
      names.insert((*it)[2]);
    }
  }
  return names;
}

class Install : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = make_temp_dir(); }
  void TearDown() override { remove_tree(dir_); }

  /// Checks that `root` holds upwatch, its manual page and completions under `prefix`, and that
  /// the upwatch there runs and probes.
  void expect_installed(const std::string& root, const std::string& prefix) {
    for (const auto* file :
         {"/bin/upwatch", "/share/man/man1/upwatch.1.gz",
          "/share/bash-completion/completions/upwatch", "/share/zsh/vendor-completions/_upwatch"}) {
      EXPECT_EQ(::access((root + prefix + file).c_str(), R_OK), 0) << prefix << file;
    }
    const auto binary = root + prefix + "/bin/upwatch";
    std::string out;
    ASSERT_EQ(run_in(dir_, {binary, "--version"}, out), 0) << out;
    EXPECT_TRUE(out.starts_with("upwatch " UPWATCH_VERSION " libcurl/")) << out;
    TestServer server{parse_script("ok")};
    EXPECT_EQ(run_in(dir_, {binary, "-q", "-c", "2", server.url(), "0.05"}, out), 0) << out;
    EXPECT_EQ(server.requests(), 2U);
  }

  std::string dir_;
};

TEST_F(Install, CmakeInstallPutsEachFileWhereGnuInstallDirsSays) {
  std::string out;
  ASSERT_EQ(
      run_in(dir_, {CMAKE_COMMAND, "--install", UPWATCH_BUILD_DIR, "--prefix", dir_ + "/usr"}, out),
      0)
      << out;
  expect_installed(dir_, "/usr");
}

TEST_F(Install, ADebianPackageNamesTheLibrariesItNeedsAndRuns) {
  std::string out;
  ASSERT_EQ(run_in(dir_,
                   {CPACK_COMMAND, "-G", "DEB", "-B", dir_ + "/package", "--config",
                    std::string{UPWATCH_BUILD_DIR} + "/CPackConfig.cmake"},
                   out),
            0)
      << out;
  const auto deb = dir_ + "/package/upwatch_" UPWATCH_VERSION "_amd64.deb";
  ASSERT_EQ(::access(deb.c_str(), R_OK), 0) << out;
  // dpkg-shlibdeps computed them from the binary: nothing listed by hand.
  ASSERT_EQ(run_in(dir_, {"/usr/bin/dpkg-deb", "--field", deb, "Depends"}, out), 0) << out;
  for (const auto* library :
       {"libcurl4 ", "libc-ares2 ", "libc6 ", "libmicrohttpd12 ", "libprometheus-cpp-core"}) {
    EXPECT_NE(out.find(library), std::string::npos) << library << " not in " << out;
  }
  ASSERT_EQ(run_in(dir_, {"/usr/bin/dpkg-deb", "--extract", deb, dir_ + "/root"}, out), 0) << out;
  expect_installed(dir_ + "/root", "/usr");
}

TEST_F(Install, TheManualPageNamesEveryOptionOfTheHelpAndNoOther) {
  const auto page = read_file(UPWATCH_SOURCE_DIR "/docs/upwatch.1");
  EXPECT_EQ(options_of_manual(page, "OPTIONS"), help_options(dir_, {}));
  EXPECT_EQ(options_of_manual(page, "REPORT OPTIONS"),
            without_common(help_options(dir_, {"report"})));
  EXPECT_EQ(options_of_manual(page, "MARK OPTIONS"), without_common(help_options(dir_, {"mark"})));
  // groff reads it without a warning.
  Process groff{{"/usr/bin/groff", "-man", "-ww", "-z", UPWATCH_SOURCE_DIR "/docs/upwatch.1"},
                dir_};
  EXPECT_EQ(groff.wait(kLong), 0);
  EXPECT_EQ(groff.err(), "");
}

/// What bash completes for the command line `line`, the cursor at its end.
std::vector<std::string> bash_completes(const std::string& dir, const std::string& line) {
  const std::string script = "source " UPWATCH_SOURCE_DIR "/completions/upwatch.bash; COMP_LINE='" +
                             line + "'; read -ra COMP_WORDS <<<\"$COMP_LINE\"; " +
                             (line.ends_with(' ') ? "COMP_WORDS+=(''); " : "") +
                             "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _upwatch; "
                             "printf '%s\\n' \"${COMPREPLY[@]}\"";
  std::string out;
  EXPECT_EQ(run_in(dir, {"/bin/bash", "-c", script}, out), 0) << out;
  std::vector<std::string> words;
  std::istringstream lines{out};
  for (std::string word; std::getline(lines, word);) {
    if (!word.empty()) words.push_back(word);
  }
  return words;
}

Names set_of(const std::vector<std::string>& words) { return {words.begin(), words.end()}; }

TEST_F(Install, BashCompletesEveryOptionOfTheHelpAndFilesWhereOneIsTaken) {
  EXPECT_EQ(set_of(bash_completes(dir_, "upwatch -")), help_options(dir_, {}));
  EXPECT_EQ(set_of(bash_completes(dir_, "upwatch report -")), help_options(dir_, {"report"}));
  EXPECT_EQ(set_of(bash_completes(dir_, "upwatch mark -")), help_options(dir_, {"mark"}));
  EXPECT_EQ(bash_completes(dir_, "upwatch --max-t"), std::vector<std::string>{"--max-time"});
  EXPECT_EQ(bash_completes(dir_, "upwatch rep"), std::vector<std::string>{"report"});
  write_file(dir_ + "/cutover.log", "");
  EXPECT_EQ(bash_completes(dir_, "upwatch -o cut"), std::vector<std::string>{"cutover.log"});
  EXPECT_EQ(bash_completes(dir_, "upwatch report --html cut"),
            std::vector<std::string>{"cutover.log"});
  EXPECT_TRUE(bash_completes(dir_, "upwatch --count ").empty());
}

TEST_F(Install, ZshCompletionNamesEveryOptionOfTheHelp) {
  const auto script = read_file(UPWATCH_SOURCE_DIR "/completions/_upwatch");
  Names all = help_options(dir_, {});
  all.merge(help_options(dir_, {"report"}));
  all.merge(help_options(dir_, {"mark"}));
  // The options of the _arguments specs: '--name[...]', {-m,--max-time}'[...]', '(-4 --ipv4)'.
  Names named;
  const std::regex option{R"((^|[{,(' *])(--?[A-Za-z0-9][A-Za-z0-9.-]*)(?=[\[,}' )]))"};
  std::istringstream lines{script};
  for (std::string line; std::getline(lines, line);) {
    if (line.find("_arguments") != std::string::npos || line.starts_with("local ")) continue;
    for (std::sregex_iterator it{line.begin(), line.end(), option}, end; it != end; ++it) {
      named.insert((*it)[2]);
    }
  }
  EXPECT_EQ(named, all);
  Process zsh{{"/usr/bin/zsh", "-n", UPWATCH_SOURCE_DIR "/completions/_upwatch"}, dir_};
  EXPECT_EQ(zsh.wait(kLong), 0) << zsh.err();
}

}  // namespace
}  // namespace upwatch::testing
