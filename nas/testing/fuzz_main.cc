// The main of a fuzz target's test (tools/cc.bzl's nas_fuzz_test): feeds
// every seed file given on the command line to LLVMFuzzerTestOneInput, then
// deterministic mutations of each (bit flips, special bytes, truncations,
// repeated and deleted runs). A crash, an abort or an exception escaping the
// target fails the test. The same target built with --config=fuzz links
// libFuzzer instead of this main and explores for as long as you let it.
//
// NAS_FUZZ_MUTATIONS (default 2000) sets the mutations per seed.
#include <dirent.h>
#include <sys/stat.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

std::vector<std::string> Files(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return {};
  if (!S_ISDIR(st.st_mode)) return {path};
  std::vector<std::string> files;
  if (DIR* d = opendir(path.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string name = e->d_name;
      if (name != "." && name != "..") {
        for (const std::string& f : Files(path + "/" + name)) files.push_back(f);
      }
    }
    closedir(d);
  }
  return files;
}

uint64_t Next(uint64_t* state) {  // xorshift64*
  *state ^= *state >> 12;
  *state ^= *state << 25;
  *state ^= *state >> 27;
  return *state * 2685821657736338717ull;
}

std::string Mutate(const std::string& seed, uint64_t* rng) {
  static const char kSpecial[] = {'\0', '\xff', '{', '}', '[',  ']',  '"', ',', ':',
                                  '-',  '9',    'e', '.', '\\', '\n', ' ', 'n'};
  std::string s = seed;
  const int edits = 1 + static_cast<int>(Next(rng) % 4);
  for (int e = 0; e < edits; ++e) {
    const size_t at = s.empty() ? 0 : Next(rng) % s.size();
    switch (Next(rng) % 6) {
      case 0:
        if (!s.empty()) s[at] = static_cast<char>(s[at] ^ (1u << (Next(rng) % 8)));
        break;
      case 1:
        if (!s.empty()) s[at] = kSpecial[Next(rng) % sizeof(kSpecial)];
        break;
      case 2:
        s.resize(at);
        break;
      case 3: {  // repeat a run
        const size_t n = std::min<size_t>(s.size() - std::min(at, s.size()), 1 + Next(rng) % 64);
        const std::string run = s.substr(at, n);
        const int times = 1 + static_cast<int>(Next(rng) % 16);
        for (int t = 0; t < times; ++t) s.insert(at, run);
        break;
      }
      case 4: {  // delete a run
        const size_t n = 1 + Next(rng) % 16;
        if (at < s.size()) s.erase(at, n);
        break;
      }
      default:
        s.insert(at, 1, kSpecial[Next(rng) % sizeof(kSpecial)]);
    }
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const char* env = std::getenv("NAS_FUZZ_MUTATIONS");
  const int mutations = env != nullptr ? std::atoi(env) : 2000;
  std::vector<std::string> seeds;
  for (int i = 1; i < argc; ++i) {
    for (const std::string& f : Files(argv[i])) seeds.push_back(f);
  }
  if (seeds.empty()) {
    fprintf(stderr, "error: no seed files (pass the corpus files or folders)\n");
    return 2;
  }
  uint64_t executions = 0;
  for (size_t i = 0; i < seeds.size(); ++i) {
    std::ifstream in(seeds[i], std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string seed = buffer.str();
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(seed.data()), seed.size());
    ++executions;
    uint64_t rng = 0x9e3779b97f4a7c15ull ^ (i + 1);
    for (int m = 0; m < mutations; ++m) {
      const std::string input = Mutate(seed, &rng);
      LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size());
      ++executions;
    }
  }
  printf("%zu seeds, %llu executions, no crash\n", seeds.size(),
         static_cast<unsigned long long>(executions));
  return 0;
}
