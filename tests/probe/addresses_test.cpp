#include "upwatch/probe/addresses.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using upwatch::AddressBook;
using upwatch::BootClock;

TEST(Addresses, AResolveEntryBracketsIPv6AndSeparatesWithCommas) {
  EXPECT_EQ(upwatch::resolve_entry("app.test", 8080, {"10.0.0.1", "::1", "10.0.0.2"}),
            "app.test:8080:10.0.0.1,[::1],10.0.0.2");
  EXPECT_EQ(upwatch::resolve_entry("app.test", 443, {"127.0.0.1"}), "app.test:443:127.0.0.1");
}

TEST(Addresses, ASetIsSortedWithoutRepeatsAndCapped) {
  const std::vector<std::string> resolved{"10.0.0.3", "10.0.0.1", "10.0.0.3", "10.0.0.2"};
  EXPECT_EQ(upwatch::address_set(resolved, 64),
            (std::vector<std::string>{"10.0.0.1", "10.0.0.2", "10.0.0.3"}));
  EXPECT_EQ(upwatch::address_set(resolved, 2), (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
}

TEST(Addresses, TheBookTellsAChangedSetOnceAndKeepsALookUpWhileItIsYoung) {
  AddressBook book{2};
  const std::vector<std::string> two{"10.0.0.1", "10.0.0.2"};
  EXPECT_TRUE(book.change_set(0, two));
  EXPECT_FALSE(book.change_set(0, two));
  EXPECT_TRUE(book.change_set(1, two));  // each place its own
  EXPECT_TRUE(book.change_set(0, {"10.0.0.1"}));

  const BootClock::time_point found{10s};
  EXPECT_EQ(book.fresh(1, found, 60s), nullptr);
  book.keep(1, {.entry = "h:80:10.0.0.1", .addresses = {"10.0.0.1"}, .found = found});
  ASSERT_NE(book.fresh(1, found + 59s, 60s), nullptr);
  EXPECT_EQ(book.fresh(1, found + 59s, 60s)->entry, "h:80:10.0.0.1");
  EXPECT_EQ(book.fresh(1, found + 60s, 60s), nullptr);
  EXPECT_EQ(book.fresh(0, found, 60s), nullptr);
}
