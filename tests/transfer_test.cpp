#include "upwatch/transfer.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cerrno>

using upwatch::classify_failure;
using upwatch::Transport;

TEST(ClassifyFailure, MapsLibcurlCodesToOutcomes) {
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, ECONNREFUSED), Transport::refused);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, EHOSTUNREACH), Transport::unreachable);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, ENETUNREACH), Transport::unreachable);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, ENETDOWN), Transport::unreachable);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, EADDRNOTAVAIL), Transport::connect);
  EXPECT_EQ(classify_failure(CURLE_RECV_ERROR, ECONNRESET), Transport::reset);
  EXPECT_EQ(classify_failure(CURLE_SSL_CONNECT_ERROR, ECONNRESET), Transport::reset);
  EXPECT_EQ(classify_failure(CURLE_SEND_ERROR, EPIPE), Transport::reset);
  EXPECT_EQ(classify_failure(CURLE_OPERATION_TIMEDOUT, 0), Transport::timeout);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_RESOLVE_HOST, 0), Transport::dns);
  EXPECT_EQ(classify_failure(CURLE_PEER_FAILED_VERIFICATION, 0), Transport::tls);
  EXPECT_EQ(classify_failure(CURLE_SSL_CONNECT_ERROR, 0), Transport::tls);
  EXPECT_EQ(classify_failure(CURLE_GOT_NOTHING, 0), Transport::empty);
  EXPECT_EQ(classify_failure(CURLE_WEIRD_SERVER_REPLY, 0), Transport::malformed);
  EXPECT_EQ(classify_failure(CURLE_UNSUPPORTED_PROTOCOL, 0), Transport::malformed);
  EXPECT_EQ(classify_failure(CURLE_OUT_OF_MEMORY, 0), Transport::error);
  // A stale errno from an earlier transfer on the same handle does not turn these into resets.
  EXPECT_EQ(classify_failure(CURLE_GOT_NOTHING, ECONNRESET), Transport::empty);
  EXPECT_EQ(classify_failure(CURLE_UNSUPPORTED_PROTOCOL, ECONNRESET), Transport::malformed);
  EXPECT_EQ(classify_failure(CURLE_COULDNT_CONNECT, ECONNRESET), Transport::connect);
}
