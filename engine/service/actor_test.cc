// Copyright the wf-engine authors. Apache-2.0.
#include "engine/service/actor.h"

#include "gtest/gtest.h"

namespace wf {
namespace {

TEST(SignInSourceTest, IsTheCallersAddress) {
  EXPECT_EQ(SignInSource("ipv4:203.0.113.5:41234", ""), "203.0.113.5");
  EXPECT_EQ(SignInSource("ipv6:[2001:db8::7]:41234", ""), "2001:db8::7");
  EXPECT_EQ(SignInSource("ipv6:%5B2001:db8::7%5D:41234", ""), "2001:db8::7");
  EXPECT_EQ(SignInSource("ipv6:[::ffff:198.51.100.2]:41234", ""),
            "198.51.100.2");
  EXPECT_EQ(SignInSource("unix:/run/wf.sock", ""), "local");
}

// The console, on this machine, forwards its browser's address; a caller
// elsewhere cannot choose where its attempts are counted.
TEST(SignInSourceTest, TakesTheForwardedAddressFromThisMachineOnly) {
  EXPECT_EQ(SignInSource("ipv4:127.0.0.1:5000", "198.51.100.7"),
            "198.51.100.7");
  EXPECT_EQ(SignInSource("ipv6:[::1]:5000", " 2001:db8::9 , 10.0.0.1"),
            "2001:db8::9");
  EXPECT_EQ(SignInSource("ipv6:[::ffff:127.0.0.1]:5000", "198.51.100.7"),
            "198.51.100.7");
  EXPECT_EQ(SignInSource("unix:/run/wf.sock", "198.51.100.7"), "198.51.100.7");
  EXPECT_EQ(SignInSource("ipv4:203.0.113.5:41234", "198.51.100.7"),
            "203.0.113.5");
  // Not an address: the caller's own.
  EXPECT_EQ(SignInSource("ipv4:127.0.0.1:5000", "nhà tôi"), "127.0.0.1");
  EXPECT_EQ(SignInSource("ipv4:127.0.0.1:5000", ""), "127.0.0.1");
}

}  // namespace
}  // namespace wf
