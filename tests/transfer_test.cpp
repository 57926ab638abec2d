#include "upwatch/transfer.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cerrno>

using upwatch::classify_failure;
using upwatch::Transport;

TEST(ClassifyFailure, MapsLibcurlCodesToOutcomes) {
  // A TLS 1.3 server that wants a client certificate says so in an alert after the handshake.
  EXPECT_EQ(classify_failure(CURLE_RECV_ERROR, 0,
                             "OpenSSL SSL_read: OpenSSL/3.0.19: error:0A00045C:SSL "
                             "routines::tlsv13 alert certificate required, errno 0",
                             false),
            Transport::tls);
  EXPECT_EQ(classify_failure(CURLE_RECV_ERROR, ECONNRESET, "Connection reset by peer", false),
            Transport::reset);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, ECONNREFUSED, "", false), Transport::refused);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, EHOSTUNREACH, "", false),
            Transport::unreachable);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, ENETUNREACH, "", false),
            Transport::unreachable);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, ENETDOWN, "", false), Transport::unreachable);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, EADDRNOTAVAIL, "", false), Transport::connect);
  EXPECT_EQ(classify_failure(CURLE_RECV_ERROR, ECONNRESET, "", false), Transport::reset);
  EXPECT_EQ(classify_failure(CURLE_SSL_CONNECT_ERROR, ECONNRESET, "", false), Transport::reset);
  EXPECT_EQ(classify_failure(CURLE_SEND_ERROR, EPIPE, "", false), Transport::reset);
  EXPECT_EQ(classify_failure(CURLE_OPERATION_TIMEDOUT, 0, "", false), Transport::timeout);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_RESOLVE_HOST, 0, "", false), Transport::dns);
  EXPECT_EQ(classify_failure(CURLE_PEER_FAILED_VERIFICATION, 0, "", false), Transport::tls);
  EXPECT_EQ(classify_failure(CURLE_SSL_CONNECT_ERROR, 0, "", false), Transport::tls);
  EXPECT_EQ(classify_failure(CURLE_GOT_NOTHING, 0, "", false), Transport::empty);
  EXPECT_EQ(classify_failure(CURLE_WEIRD_SERVER_REPLY, 0, "", false), Transport::malformed);
  EXPECT_EQ(classify_failure(CURLE_UNSUPPORTED_PROTOCOL, 0, "", false), Transport::malformed);
  EXPECT_EQ(classify_failure(CURLE_OUT_OF_MEMORY, 0, "", false), Transport::error);
  // A stale errno from an earlier transfer on the same handle does not turn these into resets.
  EXPECT_EQ(classify_failure(CURLE_GOT_NOTHING, ECONNRESET, "", false), Transport::empty);
  EXPECT_EQ(classify_failure(CURLE_UNSUPPORTED_PROTOCOL, ECONNRESET, "", false),
            Transport::malformed);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, ECONNRESET, "", false), Transport::connect);
  // What libcurl could not take of an answer is the answer's fault.
  EXPECT_EQ(classify_failure(CURLE_RECV_ERROR, 0,
                             "Illegal or missing hexadecimal sequence in chunked-encoding", true),
            Transport::malformed);
  EXPECT_EQ(classify_failure(CURLE_OUT_OF_MEMORY, 0, "Out of memory", true), Transport::malformed);
  EXPECT_EQ(classify_failure(CURLE_OUT_OF_MEMORY, 0, "Out of memory", false), Transport::error);
}
