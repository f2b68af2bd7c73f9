// Single-precision GEMM with packing and register-blocked micro-kernels, chosen at run time:
// AVX-512F (12×32 tile), AVX2+FMA (6×16 tile), or portable scalar code.
//
//   C[M, N] = op(A)[M, K] · op(B)[K, N]   with op(X) = X or Xᵀ (row-major storage)
//
// Layout follows the Goto/BLIS scheme: a KC×NC panel of B and an MC×KC block of A are copied into
// contiguous micro-panels (zero-padded to whole tiles), so transposed operands cost only the packing
// pass (wasm's own matmul falls back to a naive loop for them: toolchain.md §11.3).
//
// References:
//   1. K. Goto, R. van de Geijn, "Anatomy of High-Performance Matrix Multiplication", ACM TOMS 2008.
//   2. F. Van Zee, R. van de Geijn, "BLIS: A Framework for Rapidly Instantiating BLAS Functionality", 2015.
#include "gemm.h"

#include "thread-pool.h"

#include "simd.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace normfree {

namespace {

constexpr int kKc = 256;   // depth of a packed panel
constexpr int kMc = 96;    // rows of A per packed block (a multiple of both MRs: 12 and 6)
constexpr int kNc = 2048;  // columns of B per packed panel

struct Operand {
  const float* data;
  bool transposed;
  int rows;    // logical rows of op(X)
  int cols;    // logical columns of op(X)
  int stride;  // elements between rows of the stored matrix (X, not op(X)): a sub-block keeps its parent's
};

// Pack rows [i0, i0+mc) × depth [k0, k0+kc) of op(A) into MR-row strips: strip s holds
// Ap[s][k][ii] = A(i0 + s·MR + ii, k0 + k), zero-padded past the last row.
template <int MR>
void packA(const Operand& a, int i0, int mc, int k0, int kc, float* out) {
  for (int s = 0; s < mc; s += MR) {
    const int rows = std::min(MR, mc - s);
    if (!a.transposed) {
      // k outer, the MR rows inner: contiguous writes and MR sequential read streams (row by row,
      // the writes were MR floats apart).
      if (rows == MR) {
        const float* src = a.data + static_cast<size_t>(i0 + s) * a.stride + k0;
        for (int k = 0; k < kc; ++k)
          for (int ii = 0; ii < MR; ++ii) out[k * MR + ii] = src[static_cast<size_t>(ii) * a.stride + k];
      } else {
        for (int ii = 0; ii < MR; ++ii) {
          const float* src = a.data + static_cast<size_t>(i0 + s + ii) * a.stride + k0;
          for (int k = 0; k < kc; ++k) out[k * MR + ii] = ii < rows ? src[k] : 0.0f;
        }
      }
    } else {
      // A stored as [K, M]: row k of storage is contiguous over m.
      for (int k = 0; k < kc; ++k) {
        const float* src = a.data + static_cast<size_t>(k0 + k) * a.stride + i0 + s;
        int ii = 0;
        for (; ii < rows; ++ii) out[k * MR + ii] = src[ii];
        for (; ii < MR; ++ii) out[k * MR + ii] = 0.0f;
      }
    }
    out += static_cast<size_t>(MR) * kc;
  }
}

// Pack depth [k0, k0+kc) × columns [j0, j0+nc) of op(B) into NR-column strips:
// Bp[s][k][jj] = B(k0 + k, j0 + s·NR + jj), zero-padded past the last column.
template <int NR>
void packB(const Operand& b, int k0, int kc, int j0, int nc, float* out) {
  for (int s = 0; s < nc; s += NR) {
    const int cols = std::min(NR, nc - s);
    if (!b.transposed) {
      for (int k = 0; k < kc; ++k) {
        const float* src = b.data + static_cast<size_t>(k0 + k) * b.stride + j0 + s;
        if (cols == NR) {
          std::memcpy(out + k * NR, src, sizeof(float) * NR);
        } else {
          int jj = 0;
          for (; jj < cols; ++jj) out[k * NR + jj] = src[jj];
          for (; jj < NR; ++jj) out[k * NR + jj] = 0.0f;
        }
      }
    } else {
      // B stored as [N, K]: row n of storage is contiguous over k.
      for (int jj = 0; jj < NR; ++jj) {
        if (jj < cols) {
          const float* src = b.data + static_cast<size_t>(j0 + s + jj) * b.stride + k0;
          for (int k = 0; k < kc; ++k) out[k * NR + jj] = src[k];
        } else {
          for (int k = 0; k < kc; ++k) out[k * NR + jj] = 0.0f;
        }
      }
    }
    out += static_cast<size_t>(NR) * kc;
  }
}

// ---- micro-kernels: C[MR×NR] (+)= Ap[kc×MR]ᵀ-strip · Bp[kc×NR]-strip ------------------------------

#if NORMFREE_X86_SIMD
__attribute__((target("avx512f"))) void microAvx512(int kc, const float* ap, const float* bp, float* c, int ldc,
                                                     bool accumulate) {
  constexpr int MR = 12;
  __m512 acc[MR][2];
  for (int i = 0; i < MR; ++i) {
    acc[i][0] = accumulate ? _mm512_loadu_ps(c + i * ldc) : _mm512_setzero_ps();
    acc[i][1] = accumulate ? _mm512_loadu_ps(c + i * ldc + 16) : _mm512_setzero_ps();
  }
  for (int k = 0; k < kc; ++k) {
    const __m512 b0 = _mm512_loadu_ps(bp);
    const __m512 b1 = _mm512_loadu_ps(bp + 16);
    _mm_prefetch(reinterpret_cast<const char*>(bp + 256), _MM_HINT_T0);
#pragma GCC unroll 12
    for (int i = 0; i < MR; ++i) {
      const __m512 a = _mm512_set1_ps(ap[i]);
      acc[i][0] = _mm512_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm512_fmadd_ps(a, b1, acc[i][1]);
    }
    ap += MR;
    bp += 32;
  }
  for (int i = 0; i < MR; ++i) {
    _mm512_storeu_ps(c + i * ldc, acc[i][0]);
    _mm512_storeu_ps(c + i * ldc + 16, acc[i][1]);
  }
}

__attribute__((target("avx2,fma"))) void microAvx2(int kc, const float* ap, const float* bp, float* c, int ldc,
                                                   bool accumulate) {
  constexpr int MR = 6;
  __m256 acc[MR][2];
  for (int i = 0; i < MR; ++i) {
    acc[i][0] = accumulate ? _mm256_loadu_ps(c + i * ldc) : _mm256_setzero_ps();
    acc[i][1] = accumulate ? _mm256_loadu_ps(c + i * ldc + 8) : _mm256_setzero_ps();
  }
  // Unrolled by 4 with a prefetch of the B strip 8 steps ahead: 21–24 → 28–33 GFLOP/s on one Zen 1
  // core (4096×384×128 and 4096×4096×128, best of 15, old and new builds alternated, 2026-12-01); the
  // FMAs into each accumulator keep their k order, so results are unchanged bit for bit.
#pragma GCC unroll 4
  for (int k = 0; k < kc; ++k) {
    const __m256 b0 = _mm256_loadu_ps(bp);
    const __m256 b1 = _mm256_loadu_ps(bp + 8);
    _mm_prefetch(reinterpret_cast<const char*>(bp + 128), _MM_HINT_T0);
#pragma GCC unroll 6
    for (int i = 0; i < MR; ++i) {
      const __m256 a = _mm256_broadcast_ss(ap + i);
      acc[i][0] = _mm256_fmadd_ps(a, b0, acc[i][0]);
      acc[i][1] = _mm256_fmadd_ps(a, b1, acc[i][1]);
    }
    ap += MR;
    bp += 16;
  }
  for (int i = 0; i < MR; ++i) {
    _mm256_storeu_ps(c + i * ldc, acc[i][0]);
    _mm256_storeu_ps(c + i * ldc + 8, acc[i][1]);
  }
}
#endif  // NORMFREE_X86_SIMD

void microScalar4x8(int kc, const float* ap, const float* bp, float* c, int ldc, bool accumulate) {
  constexpr int MR = 4, NR = 8;
  float acc[MR][NR];
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) acc[i][j] = accumulate ? c[i * ldc + j] : 0.0f;
  for (int k = 0; k < kc; ++k) {
    for (int i = 0; i < MR; ++i)
      for (int j = 0; j < NR; ++j) acc[i][j] += ap[i] * bp[j];
    ap += MR;
    bp += NR;
  }
  for (int i = 0; i < MR; ++i)
    for (int j = 0; j < NR; ++j) c[i * ldc + j] = acc[i][j];
}

using MicroKernel = void (*)(int, const float*, const float*, float*, int, bool);

template <int MR, int NR>
void gemmBlocked(MicroKernel micro, const Operand& a, const Operand& b, float* c, int ldc, int M, int N, int K) {
  thread_local std::vector<float> packedA, packedB;
  const int kcMax = std::min(kKc, K);
  const int ncMax = std::min(kNc, ((N + NR - 1) / NR) * NR);
  const int mcMax = std::min(kMc, ((M + MR - 1) / MR) * MR);
  packedB.resize(static_cast<size_t>(kcMax) * (ncMax + NR));
  packedA.resize(static_cast<size_t>(kcMax) * (mcMax + MR));
  alignas(64) float edge[MR * NR];

  if (K == 0) {
    for (int i = 0; i < M; ++i) std::memset(c + static_cast<size_t>(i) * ldc, 0, sizeof(float) * N);
    return;
  }
  for (int jc = 0; jc < N; jc += kNc) {
    const int nc = std::min(kNc, N - jc);
    for (int pc = 0; pc < K; pc += kKc) {
      const int kc = std::min(kKc, K - pc);
      const bool accumulate = pc > 0;
      packB<NR>(b, pc, kc, jc, nc, packedB.data());
      for (int ic = 0; ic < M; ic += kMc) {
        const int mc = std::min(kMc, M - ic);
        packA<MR>(a, ic, mc, pc, kc, packedA.data());
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = std::min(NR, nc - jr);
          const float* bp = packedB.data() + static_cast<size_t>(jr) * kc;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = std::min(MR, mc - ir);
            const float* ap = packedA.data() + static_cast<size_t>(ir) * kc;
            float* cTile = c + static_cast<size_t>(ic + ir) * ldc + jc + jr;
            if (mr == MR && nr == NR) {
              micro(kc, ap, bp, cTile, ldc, accumulate);
            } else {
              // Edge tile: run the full tile on a scratch buffer, copy back the valid part.
              if (accumulate) {
                for (int i = 0; i < mr; ++i) std::memcpy(edge + i * NR, cTile + static_cast<size_t>(i) * ldc, sizeof(float) * nr);
              }
              micro(kc, ap, bp, edge, NR, accumulate);
              for (int i = 0; i < mr; ++i) std::memcpy(cTile + static_cast<size_t>(i) * ldc, edge + i * NR, sizeof(float) * nr);
            }
          }
        }
      }
    }
  }
}

SimdLevel detect() {
#if NORMFREE_X86_SIMD
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return SimdLevel::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return SimdLevel::Avx2;
#endif
  return SimdLevel::Scalar;
}

SimdLevel gLevel = detect();

}  // namespace

SimdLevel simdLevel() { return gLevel; }

const char* simdName(SimdLevel level) {
  switch (level) {
    case SimdLevel::Avx512: return "avx512";
    case SimdLevel::Avx2: return "avx2+fma";
    default: return "scalar";
  }
}

void setSimdLevel(SimdLevel level) {
  // Never go above what the CPU supports.
  const SimdLevel best = detect();
  gLevel = static_cast<int>(level) <= static_cast<int>(best) ? level : best;
}

namespace {

/** Rows [r0, r0 + rows) of op(X), as an operand of its own (same storage, same stride). */
Operand rowsOf(const Operand& x, int r0, int rows) {
  const float* start = x.transposed ? x.data + r0 : x.data + static_cast<size_t>(r0) * x.stride;
  return {start, x.transposed, rows, x.cols, x.stride};
}

/** Columns [c0, c0 + cols) of op(X). */
Operand colsOf(const Operand& x, int c0, int cols) {
  const float* start = x.transposed ? x.data + static_cast<size_t>(c0) * x.stride : x.data + c0;
  return {start, x.transposed, x.rows, cols, x.stride};
}

template <int MR, int NR>
void gemmParallel(MicroKernel micro, const Operand& a, const Operand& b, float* c, int M, int N, int K, bool parallel) {
  // From 2·10⁶ multiply-adds (128×128×128) up, two threads pay: best of 200 calls on the quiet 2-vCPU
  // Zen 1 EPYC (2026-12-01), 128×128×128 201 → 103 µs, 256×128×128 390 → 202 µs. Smaller products
  // stay on one thread; whether a lower threshold would pay was not measured.
  constexpr int64_t kMinParallelMacs = int64_t{1} << 21;
  const int64_t macs = static_cast<int64_t>(M) * N * K;
  if (!parallel || threadCount() == 1 || macs < kMinParallelMacs) return gemmBlocked<MR, NR>(micro, a, b, c, N, M, N, K);
  // Each thread computes a block of whole rows (or columns) of C with the serial algorithm, packing
  // its own A block and B panel: every element of C is summed in the same order as with one thread
  // (k ascending in kKc slices, the same micro-kernel), so results are bit-identical. Rows when there
  // are enough MR-strips to share out evenly, else columns in NR-strips (the weight gradients
  // Xᵀ·dY are [C, C'] with a long K).
  const int threads = threadCount();
  const int rowStrips = (M + MR - 1) / MR;
  const int colStrips = (N + NR - 1) / NR;
  const bool byRows = rowStrips >= 4 * threads || rowStrips >= colStrips;
  const int strips = byRows ? rowStrips : colStrips;
  parallelFor(strips, 1, [&](int64_t first, int64_t last) {
    if (byRows) {
      const int r0 = static_cast<int>(first) * MR, r1 = std::min(M, static_cast<int>(last) * MR);
      gemmBlocked<MR, NR>(micro, rowsOf(a, r0, r1 - r0), b, c + static_cast<size_t>(r0) * N, N, r1 - r0, N, K);
    } else {
      const int c0 = static_cast<int>(first) * NR, c1 = std::min(N, static_cast<int>(last) * NR);
      gemmBlocked<MR, NR>(micro, a, colsOf(b, c0, c1 - c0), c + c0, N, M, c1 - c0, K);
    }
  });
}

}  // namespace

void sgemm(int M, int N, int K, const float* a, bool transposeA, const float* b, bool transposeB, float* c, bool parallel) {
  const Operand opA{a, transposeA, M, K, transposeA ? M : K};
  const Operand opB{b, transposeB, K, N, transposeB ? K : N};
  switch (gLevel) {
#if NORMFREE_X86_SIMD
    case SimdLevel::Avx512: gemmParallel<12, 32>(microAvx512, opA, opB, c, M, N, K, parallel); break;
    case SimdLevel::Avx2: gemmParallel<6, 16>(microAvx2, opA, opB, c, M, N, K, parallel); break;
#endif
    default: gemmParallel<4, 8>(microScalar4x8, opA, opB, c, M, N, K, parallel); break;
  }
}

}  // namespace normfree
