#include "core/BlasCore.hpp"

#include <dlfcn.h>
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "core/Blas.hpp"
#include "pk/Version.hpp"

namespace pk::blas {

namespace {

// Set in the environment of the program started again, so that it reports why it runs this core
// and never starts itself a third time.
constexpr const char* kMarker = "PK_OPENBLAS_CORETYPE_FROM_BUILD";

template <typename F>
F symbol(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

std::string openblasCore() {
  auto corename = symbol<char* (*)()>("openblas_get_corename");
  return corename ? std::string(corename()) : std::string();
}

bool same(const std::string& a, const std::string& b) {
  return strcasecmp(a.c_str(), b.c_str()) == 0;
}

}  // namespace

bool cpuRunsCore(const std::string& core) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (same(core, "SkylakeX")) return avx512;
  if (same(core, "Cooperlake") || same(core, "SapphireRapids")) return avx512 && __builtin_cpu_supports("avx512bf16");
  if (same(core, "Haswell") || same(core, "Zen")) return avx2;
  if (same(core, "Sandybridge")) return __builtin_cpu_supports("avx");
  return false;
#else
  (void)core;
  return false;
#endif
}

void preferBuildCore(char** argv) {
  const std::string better = kBlasBetterCore;
  if (better.empty() || std::getenv("OPENBLAS_CORETYPE") != nullptr || std::getenv(kMarker) != nullptr) return;
  const std::string own = openblasCore();
  if (own.empty()) return;  // not OpenBLAS at run time (another libblas, LD_PRELOAD, ...)
  const std::string slow = kBlasOwnCore;
  if (same(own, better) || (!slow.empty() && !same(own, slow)) || !cpuRunsCore(better)) return;
  if (setenv("OPENBLAS_CORETYPE", better.c_str(), 1) != 0 || setenv(kMarker, own.c_str(), 1) != 0) return;
  execv("/proc/self/exe", argv);
  // Still here: the exec failed (no /proc, say). Run on with OpenBLAS's own choice.
  unsetenv("OPENBLAS_CORETYPE");
  unsetenv(kMarker);
}

BlasDescription describe() {
  BlasDescription d;
  Dl_info info{};
  if (dladdr(dgemmAddress(), &info) != 0 && info.dli_fname) d.library = info.dli_fname;
  // The vendor of the library that serves cblas_dgemm, not of any BLAS in the process: PETSc or
  // LAPACK may load another one (Debian's libblas.so.3) beside the one linked.
  void* handle = d.library.empty() ? nullptr : dlopen(d.library.c_str(), RTLD_LAZY | RTLD_NOLOAD);
  auto from = [&](const char* name) { return handle ? dlsym(handle, name) : dlsym(RTLD_DEFAULT, name); };
  if (auto config = reinterpret_cast<char* (*)()>(from("openblas_get_config"))) {
    std::istringstream words(config());  // "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY ..."
    std::string name, version;
    words >> name >> version;
    d.vendor = "OpenBLAS " + version;
    auto corename = reinterpret_cast<char* (*)()>(from("openblas_get_corename"));
    d.core = corename ? std::string(corename()) : std::string();
    const char* chosen = std::getenv(kMarker);
    const char* asked = std::getenv("OPENBLAS_CORETYPE");
    if (chosen && asked && same(asked, kBlasBetterCore))
      d.coreWhy = std::string("chosen by the build over ") + chosen;
    else if (asked)
      d.coreWhy = "OPENBLAS_CORETYPE";
    else
      d.coreWhy = "OpenBLAS's own choice";
  } else if (auto version = reinterpret_cast<const char* (*)()>(from("bli_info_get_version_str"))) {
    d.vendor = std::string("BLIS ") + version();
  } else if (auto mkl = reinterpret_cast<void (*)(char*, int)>(from("MKL_Get_Version_String"))) {
    char text[256] = {};
    mkl(text, sizeof text);
    d.vendor = text;
  } else {
    d.vendor = kBlasVendor;
  }
  if (handle) dlclose(handle);  // RTLD_NOLOAD took a reference of its own
  return d;
}

double measureDgemmGflops(int m, int rounds) {
  const std::int64_t n = m, k = 256;
  std::vector<double> a(static_cast<std::size_t>(m * k), 0.5), b(static_cast<std::size_t>(n * k), 0.25),
      c(static_cast<std::size_t>(m * n), 0.0);
  const ConstView av = denseView(a.data(), m, k), bv = denseView(b.data(), n, k);
  const MutableView cv = denseView(c.data(), m, n);
  gemmNT(1.0, av, bv, 0.0, cv);  // warm-up: first touch, thread start
  double best = 0.0;
  for (int round = 0; round < rounds; ++round) {
    const int repeats = 3;
    const auto start = std::chrono::steady_clock::now();
    for (int r = 0; r < repeats; ++r) gemmNT(1.0, av, bv, 1.0, cv);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, 2.0 * static_cast<double>(m * n * k) * repeats / seconds / 1e9);
  }
  return best;
}

std::string summary(double dgemmGflops) {
  const BlasDescription d = describe();
  std::ostringstream out;
  out << d.vendor;
  if (!d.core.empty()) out << ", core " << d.core << " (" << d.coreWhy << ")";
  char rate[32];
  std::snprintf(rate, sizeof rate, "%.1f", dgemmGflops);
  out << ", DGEMM " << rate << " GFLOP/s";
  return out.str();
}

}  // namespace pk::blas
