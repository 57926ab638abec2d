// curl's TLS options against the lab's load balancer (scripts/lab/up.sh): mutual TLS with a
// client certificate the lab makes, and the oldest TLS version a probe accepts.

#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "process.hpp"
#include "pseudo_terminal.hpp"
#include "upwatch/log/probe_log.hpp"

namespace {

using upwatch::testing::Process;

class TlsLab : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = upwatch::testing::make_temp_dir();
    lab_ = std::make_unique<Process>(
        std::vector<std::string>{"/bin/bash", UPWATCH_LAB_UP, dir_ + "/lab"}, dir_);
    ASSERT_TRUE(upwatch::testing::eventually(
        [&] { return ::access((dir_ + "/lab/ports").c_str(), R_OK) == 0; },
        std::chrono::minutes{2}))
        << lab_->err();
    std::istringstream ports{upwatch::testing::read_file(dir_ + "/lab/ports")};
    for (std::string line; std::getline(ports, line);) {
      const auto equals = line.find('=');
      ports_[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }

  void TearDown() override {
    lab_->signal(SIGTERM);
    EXPECT_EQ(lab_->wait(std::chrono::minutes{1}), 0) << lab_->err();
    upwatch::testing::remove_tree(dir_);
  }

  /// Probes the lab's HTTPS port `port` (http, https, mtls, tls12) three times through its
  /// first node, with `options`; returns the exit status, and the outcomes in `outcomes`.
  int probe(const std::string& port, const std::vector<std::string>& options,
            std::vector<std::string>& outcomes) {
    const auto& number = ports_.at(port);
    std::vector<std::string> args{UPWATCH_BINARY,
                                  "-o",
                                  dir_ + "/" + port + ".log",
                                  "--truncate",
                                  "--no-live",
                                  "--cacert",
                                  dir_ + "/lab/lab.crt",
                                  "--resolve",
                                  "lab.test:" + number + ":127.0.0.1",
                                  "-c",
                                  "3"};
    args.insert(args.end(), options.begin(), options.end());
    args.push_back("https://lab.test:" + number + "/health");
    args.emplace_back("0.05");
    Process upwatch{args, dir_};
    const int status = upwatch.wait(std::chrono::minutes{1});
    std::istringstream in{upwatch::testing::read_file(dir_ + "/" + port + ".log")};
    const auto log = upwatch::read_log(in);
    outcomes.clear();
    for (const auto& run : log.runs) {
      for (const auto& record : run.records) {
        EXPECT_EQ(record.remote.substr(0, record.remote.rfind(':')), "127.0.0.1");
        outcomes.push_back(format_as(record.outcome));
      }
    }
    return status;
  }

  std::string dir_;
  std::unique_ptr<Process> lab_;
  std::map<std::string, std::string> ports_;
};

using Outcomes = std::vector<std::string>;

/// Whether every one of three probes was refused by the server's TLS: an alert, or, when the
/// server closed before its alert could be read, a reset (TLS 1.3 refuses after the handshake).
bool refused_by_tls(const Outcomes& outcomes) {
  return outcomes.size() == 3 && std::ranges::all_of(outcomes, [](const std::string& outcome) {
           return outcome == "tls" || outcome == "reset";
         });
}

TEST_F(TlsLab, AClientCertificateTheLoadBalancerRequiresIsSentWithCertAndKey) {
  Outcomes outcomes;
  // Without one, the load balancer refuses the session.
  EXPECT_EQ(probe("mtls", {}, outcomes), 1);
  EXPECT_TRUE(refused_by_tls(outcomes)) << ::testing::PrintToString(outcomes);
  EXPECT_EQ(probe("mtls", {"--cert", dir_ + "/lab/client.crt", "--key", dir_ + "/lab/client.key"},
                  outcomes),
            0);
  EXPECT_EQ(outcomes, Outcomes(3, "200"));
  // Certificate and key in one file, as curl takes them.
  EXPECT_EQ(probe("mtls", {"-E", dir_ + "/lab/client.pem"}, outcomes), 0);
  EXPECT_EQ(outcomes, Outcomes(3, "200"));
  // A certificate of another CA is refused.
  EXPECT_EQ(probe("mtls", {"--cert", dir_ + "/lab/lab.pem"}, outcomes), 1);
  EXPECT_TRUE(refused_by_tls(outcomes)) << ::testing::PrintToString(outcomes);
}

TEST_F(TlsLab, TheOldestTlsVersionAcceptedIsTheOneAsked) {
  Outcomes outcomes;
  // The tls12 port offers TLS 1.2 at most.
  EXPECT_EQ(probe("tls12", {}, outcomes), 0);
  EXPECT_EQ(outcomes, Outcomes(3, "200"));
  EXPECT_EQ(probe("tls12", {"--tlsv1.2"}, outcomes), 0);
  EXPECT_EQ(outcomes, Outcomes(3, "200"));
  EXPECT_EQ(probe("tls12", {"--tlsv1.3"}, outcomes), 1);
  EXPECT_EQ(outcomes, Outcomes(3, "tls"));
  EXPECT_EQ(probe("https", {"--tlsv1.3"}, outcomes), 0);
  EXPECT_EQ(outcomes, Outcomes(3, "200"));
}

}  // namespace

TEST_F(TlsLab, ACertificateThatCannotBeVerifiedIsNamedInTheLiveView) {
  // The lab's certificate is its own (self-signed): without --cacert, no probe can trust it.
  const auto& number = ports_.at("https");
  upwatch::testing::PseudoTerminalProcess upwatch{
      {UPWATCH_BINARY, "-o", dir_ + "/untrusted.log", "--resolve",
       "lab.test:" + number + ":127.0.0.1", "-c", "3", "https://lab.test:" + number + "/health",
       "0.05"},
      dir_,
      {{"TERM", "xterm"}, {"NO_COLOR", "1"}},
      200};
  ASSERT_EQ(upwatch.wait(std::chrono::minutes{1}), 1) << upwatch.output();
  std::string shown = upwatch.output();
  std::erase_if(shown, [](char c) { return c == '\r' || c == '\n'; });
  EXPECT_NE(shown.find("DOWN: window 1 began with #0: tls: certificate verify failed: self-signed "
                       "certificate (127.0.0.1:" +
                       number + ")"),
            std::string::npos)
      << upwatch.output();
}
