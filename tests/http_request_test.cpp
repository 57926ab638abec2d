#include "upwatch/http_request.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "upwatch/config.hpp"
#include "upwatch/http_client.hpp"

namespace {

/// The run configuration of `args` (after the program's name).
upwatch::Config config_of(std::vector<const char*> args) {
  args.insert(args.begin(), "upwatch");
  return *upwatch::parse_command_line(static_cast<int>(args.size()), args.data()).config;
}

/// The route of the first URL of `args`, if upwatch's own client takes it.
std::optional<upwatch::DirectRoute> route_of(std::vector<const char*> args) {
  const auto config = config_of(args);
  return upwatch::direct_route(config, config.targets.front().url);
}

}  // namespace

TEST(DirectRoute, IsAPlainHeadAsLibcurlSendsIt) {
  const auto route = route_of({"http://127.0.0.1:8080/health?full=1#top"});
  ASSERT_TRUE(route);
  EXPECT_EQ(
      route->request,
      "HEAD /health?full=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: upwatch/" UPWATCH_VERSION
      "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(route->host, "127.0.0.1");
  EXPECT_EQ(route->port, 8080);
  EXPECT_EQ(route->remote, "127.0.0.1:8080");
  ASSERT_TRUE(route->address);
  EXPECT_EQ(route->address->ss_family, AF_INET);

  const auto v6 = route_of({"http://[::1]/"});
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->request.starts_with("HEAD / HTTP/1.1\r\nHost: [::1]\r\n")) << v6->request;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 80);
  EXPECT_EQ(v6->remote, "[::1]:80");

  // A name has no address of its own: upwatch resolves it for each probe.
  const auto name = route_of({"http://example.test:81/"});
  ASSERT_TRUE(name);
  EXPECT_FALSE(name->address);
  EXPECT_TRUE(name->request.find("\r\nHost: example.test:81\r\n") != std::string::npos);
}

TEST(DirectRoute, TakesHeadersAsLibcurlDoes) {
  const auto route =
      route_of({"-A", "", "-H", "Accept: text/html", "-H", "X-Empty;", "-H", "X-Gone:", "-H",
                "Host: other", "-H", "Connection: keep-alive", "http://127.0.0.1:8080/"});
  ASSERT_TRUE(route);
  EXPECT_EQ(route->request,
            "HEAD / HTTP/1.1\r\nHost: other\r\nAccept: text/html\r\nX-Empty:\r\n"
            "Connection: keep-alive\r\n\r\n");
  // Headers it would not send as libcurl does are left to libcurl.
  EXPECT_FALSE(route_of({"-H", "X-Odd; value", "http://127.0.0.1/"}));
  EXPECT_FALSE(route_of({"-H", "Host;", "http://127.0.0.1/"}));
}

TEST(DirectRoute, LeavesToLibcurlWhatOnlyItDoes) {
  const std::vector<std::vector<const char*>> libcurls{
      {"https://127.0.0.1/"},
      {"--keep-alive", "http://127.0.0.1/"},
      {"-x", "http://127.0.0.1:3128", "http://127.0.0.1/"},
      {"-L", "http://127.0.0.1/"},
      {"-d", "x", "http://127.0.0.1/"},
      {"-X", "GET", "http://127.0.0.1/"},
      {"-u", "me:secret", "http://127.0.0.1/"},
      {"http://me:secret@127.0.0.1/"},
      {"--http2", "http://127.0.0.1/"},
      {"--interface", "lo", "http://127.0.0.1/"},
      {"--resolve", "h:80:127.0.0.1", "http://h/"},
      {"--connect-to", "h:80:127.0.0.1:81", "http://h/"},
      {"http://[fe80::1%25lo]/"},
  };
  for (const auto& args : libcurls) {
    SCOPED_TRACE(::testing::PrintToString(args));
    EXPECT_FALSE(route_of(args));
  }
  auto config = config_of({"http://127.0.0.1/"});
  config.own_client = false;
  EXPECT_FALSE(upwatch::direct_route(config, config.targets.front().url));
  EXPECT_TRUE(
      route_of({"--http1.1", "-4", "-m", "2", "--connect-timeout", "1", "http://127.0.0.1/"}));
}
