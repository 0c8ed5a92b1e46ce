/* Configure-time probe (cmake/PathkernelBlas.cmake): the DGEMM rate of the BLAS
   being linked, on one thread, as the program's bench measures it (C [1024,
   1024] += A [1024, 256] B^T), and OpenBLAS's core name when it is OpenBLAS.
   Prints "core GFLOP/s". */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include PK_CBLAS_HEADER

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(void) {
  const int m = 1024, n = 1024, k = 256;
  double* a = malloc(sizeof(double) * (size_t)m * (size_t)k);
  double* b = malloc(sizeof(double) * (size_t)n * (size_t)k);
  double* c = calloc((size_t)m * (size_t)n, sizeof(double));
  if (!a || !b || !c) return 1;
  for (long i = 0; i < (long)m * k; ++i) a[i] = 0.5;
  for (long i = 0; i < (long)n * k; ++i) b[i] = 0.25;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0, a, k, b, k, 0.0, c, n);
  /* The best of five short rounds: the machines are shared and noisy. */
  double best = 0.0;
  for (int round = 0; round < 5; ++round) {
    const int repeats = 4;
    const double start = now();
    for (int r = 0; r < repeats; ++r)
      cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1.0, a, k, b, k, 1.0, c, n);
    const double rate = 2.0 * m * n * k * repeats / (now() - start) / 1e9;
    if (rate > best) best = rate;
  }
  char* (*corename)(void) = (char* (*)(void))dlsym(RTLD_DEFAULT, "openblas_get_corename");
  printf("%s %.1f\n", corename ? corename() : "-", best);
  free(a);
  free(b);
  free(c);
  return 0;
}
