#include "upwatch/core/url.hpp"

#include <gtest/gtest.h>

#include "upwatch/core/error.hpp"

using upwatch::ConnectTo;
using upwatch::Endpoint;
using upwatch::ResolveEntry;

TEST(Url, CheckedPartsAndPunycode) {
  const auto parts = upwatch::check_url("https://[::1]/health", "URL");
  EXPECT_EQ(parts.scheme, "https");
  EXPECT_EQ(parts.endpoint, (Endpoint{"::1", 443}));
  EXPECT_EQ(parts.url, "https://[::1]/health");
  EXPECT_EQ(upwatch::check_url("http://xn--bcher-kva.localhost:8080/", "URL").endpoint,
            (Endpoint{"xn--bcher-kva.localhost", 8080}));
}

TEST(Url, ResolveEntries) {
  const auto entry = upwatch::parse_resolve("example.com:443:127.0.0.1,[::1],::2");
  EXPECT_EQ(entry.endpoint, (Endpoint{"example.com", 443}));
  EXPECT_EQ(entry.addresses, (std::vector<std::string>{"127.0.0.1", "::1", "::2"}));
  EXPECT_EQ(upwatch::parse_resolve("[::1]:80:::1").endpoint, (Endpoint{"::1", 80}));
  EXPECT_THROW(static_cast<void>(upwatch::parse_resolve("a:80:127.0.0.1,")), upwatch::UsageError);
}

TEST(Url, ConnectToRules) {
  const std::vector<ConnectTo> rules{upwatch::parse_connect_to("a:443:b:8443"),
                                     upwatch::parse_connect_to("::[::1]:"),
                                     upwatch::parse_connect_to("c::127.0.0.1:9")};
  EXPECT_EQ(upwatch::connect_endpoint({"a", 443}, rules), (Endpoint{"b", 8443}));
  EXPECT_EQ(upwatch::connect_endpoint({"a", 80}, rules), (Endpoint{"::1", 80}));  // the 2nd
  EXPECT_EQ(upwatch::connect_endpoint({"c", 80}, {rules[2]}), (Endpoint{"127.0.0.1", 9}));
  EXPECT_EQ(upwatch::connect_endpoint({"d", 80}, {rules[0]}), (Endpoint{"d", 80}));
}

TEST(Url, TheNameToResolve) {
  const std::vector<ResolveEntry> resolved{upwatch::parse_resolve("Given.test:80:127.0.0.1")};
  const std::vector<ConnectTo> rules{upwatch::parse_connect_to("lb.test:80:node.test:8080")};
  const auto name = [&](const Endpoint& target, const std::optional<Endpoint>& proxy = {},
                        std::string_view noproxy = "") {
    return upwatch::name_to_resolve(target, rules, resolved, proxy, noproxy);
  };
  EXPECT_EQ(name({"127.0.0.1", 80}), std::nullopt);  // an address needs no resolving
  EXPECT_EQ(name({"::1", 80}), std::nullopt);
  EXPECT_EQ(name({"given.test", 80}), std::nullopt);  // --resolve gives it, whatever the case
  EXPECT_EQ(name({"given.test", 81}), (Endpoint{"given.test", 81}));
  EXPECT_EQ(name({"lb.test", 80}), (Endpoint{"node.test", 8080}));
  const Endpoint proxy{"proxy.test", 1080};
  EXPECT_EQ(name({"lb.test", 80}, proxy), proxy);
  EXPECT_EQ(name({"a.lb.test", 80}, proxy, "x.test, lb.test"), (Endpoint{"a.lb.test", 80}));
  EXPECT_EQ(name({"a.lb.test", 80}, proxy, "*"), (Endpoint{"a.lb.test", 80}));
  EXPECT_EQ(name({"blb.test", 80}, proxy, "lb.test"), proxy);  // only at a dot
  EXPECT_EQ(upwatch::check_proxy("socks5h://[::1]"), (Endpoint{"::1", 1080}));
  EXPECT_EQ(upwatch::check_proxy("proxy.test:3128"), (Endpoint{"proxy.test", 3128}));
  EXPECT_THROW(static_cast<void>(upwatch::check_proxy("socks5://proxy.test")), upwatch::UsageError);
}

TEST(Url, AProbeIsPinnedToAnAddressWithItsHostAndPortKept) {
  EXPECT_EQ(upwatch::connect_to_entry({"lb.test", 443}, "10.0.1.17"), "lb.test:443:10.0.1.17:443");
  EXPECT_EQ(upwatch::connect_to_entry({"lb.test", 80}, "2001:db8::7"),
            "lb.test:80:[2001:db8::7]:80");
  EXPECT_EQ(upwatch::connect_to_entry({"::1", 8080}, "::1"), "[::1]:8080:[::1]:8080");
}

TEST(Url, GivenAddressesComeFromTheHostOrAResolveEntryOfTheFamilyAskedFor) {
  const std::vector<upwatch::ResolveEntry> resolved{
      upwatch::parse_resolve("LB.test:80:10.0.0.1,::1")};
  using upwatch::IpVersion;
  EXPECT_EQ(upwatch::given_addresses({"lb.test", 80}, resolved, IpVersion::any),
            (std::vector<std::string>{"10.0.0.1", "::1"}));
  EXPECT_EQ(upwatch::given_addresses({"lb.test", 80}, resolved, IpVersion::v6),
            std::vector<std::string>{"::1"});
  EXPECT_EQ(upwatch::given_addresses({"10.0.0.9", 80}, resolved, IpVersion::any),
            std::vector<std::string>{"10.0.0.9"});
  EXPECT_THROW(
      static_cast<void>(upwatch::given_addresses({"10.0.0.9", 80}, resolved, IpVersion::v6)),
      upwatch::UsageError);
}
