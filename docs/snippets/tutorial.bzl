"""The tutorial's BUILD, compiled where it lives (docs/snippets).

docs/adding_an_algorithm.md builds a package in algorithms/my_algo/; its
files are kept here, byte for byte, so a test compiles them. These wrappers
are //tools:cc.bzl's macros plus one thing: headers are exposed under
algorithms/my_algo/, so the files' #include lines are the tutorial's. The
doc's BUILD block is this package's BUILD with the load() line of
//tools:cc.bzl (snippets_test.sh checks both).
"""

load("//tools:cc.bzl", _binary = "nas_cc_binary", _library = "nas_cc_library", _test = "nas_cc_test")

_PREFIX = dict(strip_include_prefix = "/docs/snippets", include_prefix = "algorithms/my_algo")

def nas_cc_library(**kwargs):
    _library(**dict(kwargs, **_PREFIX))

def nas_cc_binary(**kwargs):
    _binary(**kwargs)

def nas_cc_test(**kwargs):
    _test(**kwargs)
