"""Shared C++ build macros: compiler options live here and nowhere else.

Every package uses these instead of the native rules:

    load("//tools:cc.bzl", "nas_cc_binary", "nas_cc_library", "nas_cc_test")

* nas_cc_library / nas_cc_binary: our warning set, the LibTorch C++ API
  include directory (as a system directory, so its headers stay silent).
* nas_cc_test: the same, plus the project's test main
  (//nas/base:test_main), which applies the runtime defaults before
  GoogleTest runs. Pass `size`.
"""

# -isystem keeps LibTorch's own warnings out of our build log.
_TORCH_API_INCLUDE = "-isystem/usr/include/torch/csrc/api/include"

NAS_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wno-unused-parameter",
    "-Wno-sign-compare",
    _TORCH_API_INCLUDE,
]

def nas_cc_library(name, copts = [], **kwargs):
    native.cc_library(name = name, copts = NAS_COPTS + copts, **kwargs)

def nas_cc_binary(name, copts = [], **kwargs):
    native.cc_binary(name = name, copts = NAS_COPTS + copts, **kwargs)

def nas_cc_test(name, copts = [], deps = [], size = "small", **kwargs):
    native.cc_test(
        name = name,
        copts = NAS_COPTS + copts,
        size = size,
        deps = deps + [
            "//nas/base:test_main",
            "//third_party:gtest",
        ],
        **kwargs
    )
