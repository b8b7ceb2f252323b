"""@libtorch: the LibTorch the build compiles and links against.

By default Debian's (libtorch-dev: 1.13 on Debian 12, 2.6 on Debian 13),
under /usr. A LibTorch of your own -- the official archive
(libtorch-*.zip unpacked), a PyTorch wheel's torch/ folder, a CUDA build --
is chosen with one setting, the folder holding its include/ and lib/:

    tools/bazel test //... --repo_env=NAS_LIBTORCH=/opt/libtorch
    NAS_LIBTORCH=/opt/libtorch tools/bazel test //...     # the same

What the build needs to know is derived from the folder itself, not guessed:

| derived          | from                                                        |
|------------------|-------------------------------------------------------------|
| version          | include/torch/csrc/api/include/torch/version.h              |
| C++ ABI          | share/cmake/Torch/TorchConfig.cmake's _GLIBCXX_USE_CXX11_ABI, |
|                  | else whether lib/libc10.so exports std::__cxx11 symbols     |
| CUDA             | lib/libtorch_cuda.so present                                |
| NCCL             | CUDA, and nccl.h in include/, $CUDA_HOME/include or /usr/include |

A folder that is not a LibTorch, or one built with the old C++ ABI (the
Debian libraries this project links -- Abseil, glog, gflags, GoogleTest --
use the new one), fails the build with one message saying what is wrong.

The repository it generates:
  //:torch     headers (a user folder's include/, declared so Bazel's
               inclusion check accepts them), link flags (-L and an rpath for
               a user folder; the CUDA libraries linked even though nothing
               names them, since they register the CUDA kernels), defines;
  //:defs.bzl  TORCH_COPTS (the C++ API include directory of the system
               LibTorch, added by //tools:cc.bzl to every target),
               TORCH_VERSION, TORCH_CUDA, TORCH_NCCL, TORCH_ROOT.
"""

_API = "include/torch/csrc/api/include"

def _fail(root, why):
    fail("\nNAS_LIBTORCH=%s is not a usable LibTorch: %s.\n" % (root, why) +
         "Point NAS_LIBTORCH at the folder holding a LibTorch's include/ and lib/ " +
         "(the unpacked libtorch archive, or a PyTorch wheel's torch/ folder), or unset it " +
         "to use Debian's libtorch-dev.")

def _version(rctx, header):
    text = rctx.read(header)
    parts = {}
    for line in text.splitlines():
        fields = [f for f in line.strip().replace("\t", " ").split(" ") if f]
        if len(fields) == 3 and fields[0] == "#define" and fields[1].startswith("TORCH_VERSION_"):
            parts[fields[1][len("TORCH_VERSION_"):]] = fields[2]
    if "MAJOR" not in parts or "MINOR" not in parts:
        return None
    return "%s.%s.%s" % (parts["MAJOR"], parts["MINOR"], parts.get("PATCH", "0"))

def _cxx11_abi(rctx, root, lib_dir):
    """1 or 0 as the LibTorch was built, or None when nothing says."""
    for config in ["share/cmake/Torch/TorchConfig.cmake", "lib/cmake/Torch/TorchConfig.cmake"]:
        path = rctx.path(root + "/" + config)
        if path.exists:
            text = rctx.read(path)
            if "_GLIBCXX_USE_CXX11_ABI=1" in text:
                return 1
            if "_GLIBCXX_USE_CXX11_ABI=0" in text:
                return 0
    nm = rctx.which("nm")
    if nm == None:
        return None
    result = rctx.execute([nm, "-D", "--defined-only", lib_dir + "/libc10.so"])
    if result.return_code != 0:
        return None
    return 1 if "__cxx11" in result.stdout else 0

def _find_header(rctx, root, header, wheel_package):
    """The folder holding `header`: the LibTorch's include/, $CUDA_HOME,
    /usr/local/cuda, a wheel's sibling nvidia/<package>/include, /usr/include."""
    candidates = [root + "/include"]
    cuda_home = rctx.os.environ.get("CUDA_HOME", "")
    if cuda_home:
        candidates.append(cuda_home + "/include")
    candidates += [
        "/usr/local/cuda/include",
        root + "/../nvidia/" + wheel_package + "/include",
        "/usr/include",
    ]
    for d in candidates:
        if rctx.path(d + "/" + header).exists:
            return str(rctx.path(d).realpath) if d.startswith(root + "/..") else d
    return None

def _multiarch(rctx):
    result = rctx.execute(["gcc", "-print-multiarch"])
    arch = result.stdout.strip() if result.return_code == 0 else ""
    return arch if arch else "x86_64-linux-gnu"

def _libtorch_impl(rctx):
    root = rctx.os.environ.get("NAS_LIBTORCH", "").strip()
    system = root == ""
    if system:
        lib_dir = "/usr/lib/" + _multiarch(rctx)
        version_h = rctx.path("/usr/" + _API + "/torch/version.h")
        if not rctx.path("/usr/" + _API + "/torch/torch.h").exists:
            fail("\nDebian's LibTorch is not installed (no /usr/%s/torch/torch.h): " % _API +
                 "run tools/bazel, which installs libtorch-dev, or set NAS_LIBTORCH to a LibTorch folder.")
        abi = 1  # Debian builds everything with the C++11 ABI
    else:
        if not root.startswith("/"):
            _fail(root, "the path must be absolute")
        root = "/" + root.strip("/")
        if not rctx.path(root).exists:
            _fail(root, "the folder does not exist")
        if not rctx.path(root + "/" + _API + "/torch/torch.h").exists:
            _fail(root, "there is no %s/torch/torch.h" % _API)
        lib_dir = root + "/lib"
        for lib in ["libtorch.so", "libtorch_cpu.so", "libc10.so"]:
            if not rctx.path(lib_dir + "/" + lib).exists:
                _fail(root, "there is no lib/" + lib)
        version_h = rctx.path(root + "/" + _API + "/torch/version.h")
        abi = _cxx11_abi(rctx, root, lib_dir)
        if abi == 0:
            _fail(root, "it is built with the pre-C++11 ABI (_GLIBCXX_USE_CXX11_ABI=0), and the " +
                        "Debian libraries this project links (Abseil, glog, gflags, GoogleTest) " +
                        "use the C++11 ABI; take the 'cxx11 ABI' LibTorch archive (or a wheel " +
                        "of PyTorch 2.7 or later)")
    version = _version(rctx, version_h) if version_h.exists else None
    if version == None:
        if system:
            fail("\ncannot read LibTorch's version from %s" % version_h)
        _fail(root, "cannot read its version from " + str(version_h))
    major = int(version.split(".")[0])
    if major < 1 or (major == 1 and int(version.split(".")[1]) < 13):
        message = "LibTorch %s is older than 1.13, the oldest this project supports" % version
        if system:
            fail("\n" + message)
        _fail(root, message)
    cuda = rctx.path(lib_dir + "/libtorch_cuda.so").exists
    # c10d's NCCL header needs nccl.h and the CUDA runtime's headers.
    search_root = "/usr" if system else root
    nccl_dir = _find_header(rctx, search_root, "nccl.h", "nccl") if cuda else None
    cuda_dir = _find_header(rctx, search_root, "cuda_runtime_api.h", "cuda_runtime") if cuda else None
    if cuda and (nccl_dir == None or cuda_dir == None):
        # buildifier: disable=print
        print("LibTorch in %s has CUDA, but %s was not found: data parallelism on CUDA " %
              (search_root, "nccl.h" if nccl_dir == None else "cuda_runtime_api.h") +
              "uses Gloo through host memory (set CUDA_HOME to the CUDA toolkit for NCCL)")
        nccl_dir = None

    libs = ["-ltorch", "-ltorch_cpu", "-lc10"]
    if cuda:
        libs += ["-ltorch_cuda", "-lc10_cuda"]
    linkopts = []
    if not system:
        linkopts += ["-L" + lib_dir, "-Wl,-rpath," + lib_dir]
    # --no-as-needed (Debian's default; Ubuntu's linker drops libraries no
    # symbol names): nothing of ours names a symbol of libtorch_cuda, but
    # loading it registers the CUDA kernels. Not switched back: it would
    # apply to every library after these.
    linkopts += ["-Wl,--no-as-needed"] + libs + ["-pthread", "-ldl"]

    defines = []
    if cuda:
        defines.append("NAS_TORCH_CUDA=1")
    if nccl_dir != None:
        defines.append("USE_C10D_NCCL")

    # Headers outside the compiler's own directories must be declared (Bazel
    # checks every included file): linked into this repository and globbed.
    globs = []
    includes = []
    if system:
        rctx.file("include/README", "Debian's LibTorch: headers under /usr/include.\n")
        copts = ["-isystem/usr/" + _API]
    else:
        rctx.symlink(root + "/include", "include")
        globs.append("include/**")
        includes += ["include", _API]
        copts = []
    extra = {}
    if nccl_dir != None:
        extra["nccl_include"] = nccl_dir
        extra["cuda_include"] = cuda_dir
    for name, d in extra.items():
        if d == "/usr/include" or d == search_root + "/include":
            continue
        rctx.symlink(d, name)
        globs.append(name + "/**")
        includes.append(name)
    hdrs = 'glob(%s, exclude = ["**/*.py"], allow_empty = True)' % repr(globs) if globs else "[]"
    includes = repr(includes)

    rctx.file("BUILD", "\n".join([
        "# Generated by //third_party:libtorch.bzl for " + ("Debian's LibTorch" if system else root) + ".",
        "package(default_visibility = [\"//visibility:public\"])",
        "",
        "cc_library(",
        "    name = \"torch\",",
        "    hdrs = %s," % hdrs,
        "    includes = %s," % includes,
        "    defines = %s," % repr(defines),
        "    linkopts = %s," % repr(linkopts),
        ")",
        "",
        "exports_files([\"defs.bzl\"])",
        "",
    ]))
    rctx.file("defs.bzl", "\n".join([
        "\"\"\"Generated by //third_party:libtorch.bzl: what the build knows of its LibTorch.\"\"\"",
        "",
        "TORCH_ROOT = %s" % repr("/usr" if system else root),
        "TORCH_SYSTEM = %s" % repr(system),
        "TORCH_VERSION = %s" % repr(version),
        "TORCH_CUDA = %s" % repr(cuda),
        "TORCH_NCCL = %s" % repr(nccl_dir != None),
        "TORCH_COPTS = %s" % repr(copts),
        "",
    ]))

libtorch_repository = repository_rule(
    implementation = _libtorch_impl,
    environ = ["NAS_LIBTORCH", "CUDA_HOME"],
    local = True,
)
