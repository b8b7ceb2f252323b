#include "nas/base/free_port.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace nas {
namespace {

TEST(FreePortTest, GivesAPortThatCanBeListenedOn) {
  const int port = FreeLocalPort();
  ASSERT_GT(port, 0);
  ASSERT_LE(port, 65535);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(listen(fd, 1), 0);
  // While it is taken, another call gives another port.
  EXPECT_NE(FreeLocalPort(), port);
  close(fd);
}

}  // namespace
}  // namespace nas
