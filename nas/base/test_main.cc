// The main of every test (nas_cc_test links it): the start-up hooks of the
// layers linked in (for LibTorch tests: the same runtime defaults as the
// binaries), then GoogleTest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/init.h"

int main(int argc, char** argv) {
  nas::RunStartupHooks();
  testing::InitGoogleMock(&argc, argv);
  return RUN_ALL_TESTS();
}
