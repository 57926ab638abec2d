#include "upwatch/probe/failure_class.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

using upwatch::CurlEnding;
using upwatch::Transport;

namespace {

/// One case: an ending, and the class it must get.
struct Case {
  CurlEnding ending;
  Transport expected;
};

/// At least one case for each row of the table, each with the facts that decide it.
const std::vector<Case> kCases{
    {{.code = CURLE_UNSUPPORTED_PROTOCOL}, Transport::malformed},
    {{.code = CURLE_FAILED_INIT}, Transport::error},
    {{.code = CURLE_URL_MALFORMAT}, Transport::error},
    {{.code = CURLE_COULDNT_RESOLVE_PROXY}, Transport::dns},
    {{.code = CURLE_COULDNT_RESOLVE_HOST}, Transport::dns},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = ECONNREFUSED}, Transport::refused},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = ENETUNREACH}, Transport::unreachable},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = EHOSTUNREACH}, Transport::unreachable},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = ENETDOWN}, Transport::unreachable},
    // The prober's own shortage, never the service's.
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = EADDRNOTAVAIL}, Transport::exhausted},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = EMFILE}, Transport::exhausted},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = ENFILE}, Transport::exhausted},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = ENOBUFS}, Transport::exhausted},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = ENOMEM}, Transport::exhausted},
    {{.code = CURLE_COULDNT_CONNECT, .os_errno = ECONNRESET}, Transport::connect},
    {{.code = CURLE_WEIRD_SERVER_REPLY, .head_received = true}, Transport::malformed},
    {{.code = CURLE_HTTP2}, Transport::malformed},
    {{.code = CURLE_PARTIAL_FILE, .head_received = true}, Transport::malformed},
    {{.code = CURLE_WRITE_ERROR}, Transport::error},
    {{.code = CURLE_READ_ERROR}, Transport::error},
    {{.code = CURLE_OUT_OF_MEMORY, .head_received = true}, Transport::malformed},
    {{.code = CURLE_OUT_OF_MEMORY}, Transport::error},
    {{.code = CURLE_OPERATION_TIMEDOUT}, Transport::timeout},
    {{.code = CURLE_OPERATION_TIMEDOUT, .os_errno = ECONNRESET}, Transport::timeout},
    {{.code = CURLE_RANGE_ERROR}, Transport::malformed},
    {{.code = CURLE_SSL_CONNECT_ERROR}, Transport::tls},
    {{.code = CURLE_SSL_CONNECT_ERROR, .os_errno = ECONNRESET}, Transport::reset},
    {{.code = CURLE_SSL_CONNECT_ERROR, .peer_reset = true}, Transport::reset},
    {{.code = CURLE_ABORTED_BY_CALLBACK}, Transport::error},
    {{.code = CURLE_BAD_FUNCTION_ARGUMENT}, Transport::error},
    {{.code = CURLE_INTERFACE_FAILED}, Transport::error},
    {{.code = CURLE_TOO_MANY_REDIRECTS}, Transport::malformed},
    {{.code = CURLE_GOT_NOTHING}, Transport::empty},
    {{.code = CURLE_GOT_NOTHING, .os_errno = ECONNRESET}, Transport::empty},
    {{.code = CURLE_SSL_ENGINE_NOTFOUND}, Transport::tls},
    {{.code = CURLE_SSL_ENGINE_SETFAILED}, Transport::tls},
    {{.code = CURLE_SEND_ERROR, .os_errno = EPIPE}, Transport::reset},
    {{.code = CURLE_SEND_ERROR, .os_errno = ENOBUFS}, Transport::error},
    {{.code = CURLE_RECV_ERROR, .os_errno = ECONNRESET}, Transport::reset},
    {{.code = CURLE_RECV_ERROR, .os_errno = ECONNABORTED}, Transport::reset},
    {{.code = CURLE_RECV_ERROR, .peer_reset = true, .tls_done = true}, Transport::reset},
    // A TLS 1.3 server that wants a client certificate says so in an alert after the handshake.
    {{.code = CURLE_RECV_ERROR, .tls_done = true}, Transport::tls},
    // A bad chunk, or a head larger than libcurl takes: its HTTP layer refused the answer.
    {{.code = CURLE_RECV_ERROR, .head_received = true}, Transport::malformed},
    {{.code = CURLE_RECV_ERROR, .tls_done = true, .head_received = true}, Transport::malformed},
    {{.code = CURLE_RECV_ERROR}, Transport::malformed},
    {{.code = CURLE_SSL_CERTPROBLEM}, Transport::tls},
    {{.code = CURLE_SSL_CIPHER}, Transport::tls},
    {{.code = CURLE_PEER_FAILED_VERIFICATION}, Transport::tls},
    {{.code = CURLE_BAD_CONTENT_ENCODING}, Transport::malformed},
    {{.code = CURLE_FILESIZE_EXCEEDED}, Transport::malformed},
    {{.code = CURLE_USE_SSL_FAILED}, Transport::tls},
    {{.code = CURLE_SEND_FAIL_REWIND}, Transport::error},
    {{.code = CURLE_SSL_ENGINE_INITFAILED}, Transport::tls},
    {{.code = CURLE_SSL_CACERT_BADFILE}, Transport::tls},
    {{.code = CURLE_SSL_SHUTDOWN_FAILED}, Transport::tls},
    {{.code = CURLE_AGAIN}, Transport::error},
    {{.code = CURLE_SSL_CRL_BADFILE}, Transport::tls},
    {{.code = CURLE_SSL_ISSUER_ERROR}, Transport::tls},
    {{.code = CURLE_SSL_PINNEDPUBKEYNOTMATCH}, Transport::tls},
    {{.code = CURLE_SSL_INVALIDCERTSTATUS}, Transport::tls},
    {{.code = CURLE_HTTP2_STREAM}, Transport::malformed},
    {{.code = CURLE_RECURSIVE_API_CALL}, Transport::error},
    {{.code = CURLE_AUTH_ERROR}, Transport::error},
    {{.code = CURLE_HTTP3}, Transport::malformed},
    {{.code = CURLE_QUIC_CONNECT_ERROR}, Transport::connect},
    {{.code = CURLE_PROXY}, Transport::error},
    {{.code = CURLE_SSL_CLIENTCERT}, Transport::tls},
    {{.code = CURLE_UNRECOVERABLE_POLL}, Transport::error},
    // A code outside the table.
    {{.code = CURLE_TFTP_NOTFOUND}, Transport::error},
};

class FailureClass : public ::testing::TestWithParam<Case> {};

}  // namespace

TEST_P(FailureClass, FollowsTheTable) {
  const auto& [ending, expected] = GetParam();
  EXPECT_EQ(upwatch::classify_failure(ending), expected)
      << curl_easy_strerror(static_cast<CURLcode>(ending.code));
}

INSTANTIATE_TEST_SUITE_P(EveryRow, FailureClass, ::testing::ValuesIn(kCases),
                         [](const ::testing::TestParamInfo<Case>& row) {
                           return "Code" + std::to_string(row.param.ending.code) + "Case" +
                                  std::to_string(row.index);
                         });

TEST(FailureTable, EveryRowHasACaseAndADocumentedLine) {
  std::set<int> covered;
  for (const auto& [ending, expected] : kCases) covered.insert(ending.code);
  std::ifstream doc{UPWATCH_FAILURE_DOC};
  ASSERT_TRUE(doc) << UPWATCH_FAILURE_DOC;
  const std::string text{std::istreambuf_iterator<char>{doc}, {}};
  for (const auto& row : upwatch::failure_table()) {
    EXPECT_TRUE(covered.contains(row.code)) << row.name;
    EXPECT_NE(text.find("| " + std::string{row.name} + " |"), std::string::npos) << row.name;
  }
}
