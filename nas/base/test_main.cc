// The main of every test (nas_cc_test links it): the same runtime defaults
// as the binaries, then GoogleTest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "nas/base/runtime.h"

int main(int argc, char** argv) {
  nas::ApplyRuntimeDefaults();
  testing::InitGoogleMock(&argc, argv);
  return RUN_ALL_TESTS();
}
