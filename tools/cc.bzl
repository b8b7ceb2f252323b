"""Shared C++ build macros: compiler options live here and nowhere else.

Every package uses these instead of the native rules:

    load("//tools:cc.bzl", "nas_cc_binary", "nas_cc_library", "nas_cc_test", "nas_fuzz_test")

* nas_cc_library: our warning set and the LibTorch C++ API include
  directory (as a system directory, so its headers stay silent). A library
  that links LibTorch (deps name //third_party:torch) also links
  //nas/base/torch:exceptions, so nas::CatchExceptions turns c10::Error
  into InvalidArgument wherever tensor code runs.
* nas_cc_binary: the same, plus the LibTorch layer's start-up
  (//nas/base/torch:startup: the runtime defaults and --threads, applied
  by nas::InitMain). Binaries that need no LibTorch (plot, launch, the
  synthetic trial) pass `torch = False` and link none of it;
  `standalone = True` links exactly `deps` (a program standing for a
  user's: //tools:jit_run links LibTorch and nothing of this project).
* nas_cc_test: the same, plus the project's test main
  (//nas/base:test_main), which runs the start-up hooks before GoogleTest.
  Pass `size`; `torch = False` for tests of LibTorch-free code. Test
  sources compile at -O1: they are glue around the code under test (which
  stays -O2), and -O1 compiles them about 30% faster.
* nas_fuzz_test: a libFuzzer target (a source defining
  LLVMFuzzerTestOneInput) and its seed corpus. `name` is a test in the
  suite that feeds the seeds and deterministic mutations of them to the
  target (//nas/testing:fuzz_main); `name + "_fuzzer"` (tagged manual) is
  the libFuzzer binary, built with `--config=fuzz` (clang; tools/fuzz).
"""

load("@libtorch//:defs.bzl", "TORCH_COPTS")

# TORCH_COPTS: the system LibTorch's C++ API include directory, as -isystem so
# LibTorch's own warnings stay out of our build log (a LibTorch folder of the
# user's, NAS_LIBTORCH, brings its include directories with @libtorch//:torch;
# //third_party:libtorch.bzl).
NAS_COPTS = [
    "-Wall",
    "-Wextra",
    "-Wno-unused-parameter",
    "-Wno-sign-compare",
] + TORCH_COPTS

# After --compilation_mode=opt's -O2 on the command line, so it wins.
_TEST_COPTS = ["-O1"]

_TORCH = "//third_party:torch"
_TORCH_EXCEPTIONS = "//nas/base/torch:exceptions"
_TORCH_STARTUP = "//nas/base/torch:startup"

def _in_torch_layer():
    return native.package_name() == "nas/base/torch"

def _with_exceptions(deps):
    if _TORCH in deps and _TORCH_EXCEPTIONS not in deps and not _in_torch_layer():
        return deps + [_TORCH_EXCEPTIONS]
    return deps

def _torch_runtime(torch, deps):
    if not torch or _in_torch_layer():
        return deps
    return deps + [d for d in [_TORCH_EXCEPTIONS, _TORCH_STARTUP] if d not in deps]

def nas_cc_library(name, copts = [], deps = [], **kwargs):
    native.cc_library(name = name, copts = NAS_COPTS + copts, deps = _with_exceptions(deps), **kwargs)

def nas_cc_binary(name, copts = [], deps = [], torch = True, standalone = False, **kwargs):
    native.cc_binary(
        name = name,
        copts = NAS_COPTS + copts,
        deps = deps if standalone else _torch_runtime(torch, _with_exceptions(deps)),
        **kwargs
    )

def nas_cc_test(name, copts = [], deps = [], size = "small", torch = True, **kwargs):
    native.cc_test(
        name = name,
        copts = NAS_COPTS + _TEST_COPTS + copts,
        size = size,
        deps = _torch_runtime(torch, _with_exceptions(deps)) + [
            "//nas/base:test_main",
            "//third_party:gtest",
        ],
        **kwargs
    )

def nas_fuzz_test(name, srcs, corpus, deps = [], torch = True, size = "small", **kwargs):
    deps = _torch_runtime(torch, _with_exceptions(deps))
    native.cc_test(
        name = name,
        srcs = srcs,
        copts = NAS_COPTS,
        size = size,
        args = ["$(rootpaths %s)" % c for c in corpus],
        data = corpus,
        deps = deps + ["//nas/testing:fuzz_main"],
        **kwargs
    )
    native.cc_binary(
        name = name + "_fuzzer",
        testonly = True,
        srcs = srcs,
        copts = NAS_COPTS + ["-fsanitize=fuzzer"],
        linkopts = ["-fsanitize=fuzzer"],
        deps = deps,
        tags = ["manual"],
    )
