// Single-precision GEMM, SIMD level chosen at run time (see gemm.cc).
#pragma once

namespace normfree {

enum class SimdLevel : int { Scalar = 0, Avx2 = 1, Avx512 = 2 };

/** The SIMD level in use (the best the CPU supports unless lowered by setSimdLevel). */
SimdLevel simdLevel();
const char* simdName(SimdLevel level);
/** Lower (never raise past the CPU's) the SIMD level, e.g. to test the AVX2 path on an AVX-512 CPU. */
void setSimdLevel(SimdLevel level);

/**
 * C[M,N] = op(A)·op(B); A is [M,K] or, transposed, [K,M]; B is [K,N] or, transposed, [N,K].
 * `parallel`: share large products out over the thread pool (bit-identical to one thread).
 */
void sgemm(int M, int N, int K, const float* a, bool transposeA, const float* b, bool transposeB, float* c, bool parallel = true);

}  // namespace normfree
