// Elementwise and fused kernels. The exponential is vectorised with AVX2 (8 lanes) when the CPU has
// it: the [B·T, V] logits make exp the largest non-matmul cost of a training step (toolchain.md §11.9,
// "Exp 331 ms … ≈13 ns per element" on wasm).
//
// References:
//   1. S. Moshier, Cephes Math Library, expf.c (range reduction and degree-5 polynomial used here).
#include "kernels.h"

#include "simd.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "gemm.h"
#include "thread-pool.h"

namespace normfree {

// Smallest share of work handed to each thread (the fork-join costs a few µs with the workers awake).
// At these thresholds two threads already pay on the quiet 2-vCPU Zen 1 EPYC (2026-12-01,
// bench-threads.mjs and best-of-300 timings): exp of 32,768 values 56.5 → 28.8 µs, add of 65,536
// 16.1 → 8.8 µs, transpose of 65,536 65.6 → 37.6 µs. Below them the kernels stay on one thread;
// lower thresholds were not measured.
constexpr int64_t kMinTranscendentalPerThread = 16 * 1024;
constexpr int64_t kMinMemoryBoundPerThread = 32 * 1024;

namespace {

#if NORMFREE_X86_SIMD
// exp(x) for 8 lanes, Cephes expf: x = n·ln2 + r, |r| ≤ ln2/2, exp(r) by a degree-5 polynomial.
// Relative error ≈ 2 ulp on [-87, 88]; underflows to 0 below, saturates to +inf above.
__attribute__((target("avx2,fma"))) inline __m256 exp8(__m256 x) {
  const __m256 hi = _mm256_set1_ps(88.3762626647949f);
  const __m256 lo = _mm256_set1_ps(-88.3762626647949f);
  const __m256 log2e = _mm256_set1_ps(1.44269504088896341f);
  const __m256 c1 = _mm256_set1_ps(0.693359375f);
  const __m256 c2 = _mm256_set1_ps(-2.12194440e-4f);
  const __m256 isInfinite = _mm256_cmp_ps(x, hi, _CMP_GT_OQ);
  const __m256 isNan = _mm256_cmp_ps(x, x, _CMP_UNORD_Q);
  const __m256 isTiny = _mm256_cmp_ps(x, lo, _CMP_LT_OQ);
  x = _mm256_min_ps(x, hi);
  x = _mm256_max_ps(x, lo);
  __m256 fx = _mm256_round_ps(_mm256_mul_ps(x, log2e), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  x = _mm256_fnmadd_ps(fx, c1, x);
  x = _mm256_fnmadd_ps(fx, c2, x);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 y = _mm256_set1_ps(1.9875691500e-4f);
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.3981999507e-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(8.3334519073e-3f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(4.1665795894e-2f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(1.6666665459e-1f));
  y = _mm256_fmadd_ps(y, x, _mm256_set1_ps(5.0000001201e-1f));
  y = _mm256_fmadd_ps(y, z, x);
  y = _mm256_add_ps(y, _mm256_set1_ps(1.0f));
  // 2^n: n in [-127, 127] after the clamp above; build the exponent bits directly.
  __m256i n = _mm256_cvtps_epi32(fx);
  n = _mm256_add_epi32(n, _mm256_set1_epi32(127));
  n = _mm256_slli_epi32(n, 23);
  y = _mm256_mul_ps(y, _mm256_castsi256_ps(n));
  y = _mm256_blendv_ps(y, _mm256_setzero_ps(), isTiny);
  y = _mm256_blendv_ps(y, _mm256_set1_ps(std::numeric_limits<float>::infinity()), isInfinite);
  y = _mm256_blendv_ps(y, _mm256_set1_ps(std::numeric_limits<float>::quiet_NaN()), isNan);
  return y;
}

__attribute__((target("avx2,fma"))) void expAvx2(int64_t count, const float* x, float* y) {
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) _mm256_storeu_ps(y + i, exp8(_mm256_loadu_ps(x + i)));
  for (; i < count; ++i) y[i] = std::exp(x[i]);
}

// tanh(x) = sign(x)·(1 - 2 / (exp(2|x|) + 1)); for |x| < 0.0625 a Taylor series keeps relative accuracy.
__attribute__((target("avx2,fma"))) void tanhAvx2(int64_t count, const float* x, float* y) {
  const __m256 signMask = _mm256_set1_ps(-0.0f);
  const __m256 one = _mm256_set1_ps(1.0f);
  const __m256 two = _mm256_set1_ps(2.0f);
  const __m256 small = _mm256_set1_ps(0.0625f);
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256 sign = _mm256_and_ps(v, signMask);
    const __m256 a = _mm256_andnot_ps(signMask, v);
    const __m256 e = exp8(_mm256_mul_ps(two, a));
    __m256 t = _mm256_sub_ps(one, _mm256_div_ps(two, _mm256_add_ps(e, one)));
    // x - x³/3 + 2x⁵/15 for small |x|
    const __m256 a2 = _mm256_mul_ps(a, a);
    __m256 p = _mm256_fmadd_ps(a2, _mm256_set1_ps(2.0f / 15.0f), _mm256_set1_ps(-1.0f / 3.0f));
    p = _mm256_fmadd_ps(_mm256_mul_ps(p, a2), a, a);
    t = _mm256_blendv_ps(t, p, _mm256_cmp_ps(a, small, _CMP_LT_OQ));
    t = _mm256_blendv_ps(t, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));  // NaN stays NaN
    _mm256_storeu_ps(y + i, _mm256_or_ps(t, sign));
  }
  for (; i < count; ++i) y[i] = std::tanh(x[i]);
}
#endif  // NORMFREE_X86_SIMD

// erf(x) = sign(x)·(1 − (a1·t + … + a5·t⁵)·exp(−x²)), t = 1/(1 + p·|x|): Abramowitz & Stegun 7.1.26,
// |error| ≤ 1.5e-7, the same formula as TF.js's cpu and wasm Erf kernels.
constexpr float kErfP = 0.3275911f, kErfA1 = 0.254829592f, kErfA2 = -0.284496736f, kErfA3 = 1.421413741f,
                kErfA4 = -1.453152027f, kErfA5 = 1.061405429f;

float erfScalar(float x) {
  const float sign = x < 0 ? -1.0f : 1.0f;
  const float a = std::fabs(x);
  const float t = 1.0f / (1.0f + kErfP * a);
  const float poly = ((((kErfA5 * t + kErfA4) * t + kErfA3) * t + kErfA2) * t + kErfA1) * t;
  return sign * (1.0f - poly * std::exp(-a * a));
}

#if NORMFREE_X86_SIMD
__attribute__((target("avx2,fma"))) void erfAvx2(int64_t count, const float* x, float* y) {
  const __m256 signMask = _mm256_set1_ps(-0.0f);
  const __m256 one = _mm256_set1_ps(1.0f);
  int64_t i = 0;
  for (; i + 8 <= count; i += 8) {
    const __m256 v = _mm256_loadu_ps(x + i);
    const __m256 sign = _mm256_and_ps(v, signMask);
    const __m256 a = _mm256_andnot_ps(signMask, v);
    const __m256 t = _mm256_div_ps(one, _mm256_fmadd_ps(_mm256_set1_ps(kErfP), a, one));
    __m256 poly = _mm256_fmadd_ps(_mm256_set1_ps(kErfA5), t, _mm256_set1_ps(kErfA4));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(kErfA3));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(kErfA2));
    poly = _mm256_fmadd_ps(poly, t, _mm256_set1_ps(kErfA1));
    poly = _mm256_mul_ps(poly, t);
    const __m256 e = exp8(_mm256_sub_ps(_mm256_setzero_ps(), _mm256_mul_ps(a, a)));
    __m256 r = _mm256_fnmadd_ps(poly, e, one);
    r = _mm256_blendv_ps(r, v, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));  // NaN stays NaN
    _mm256_storeu_ps(y + i, _mm256_or_ps(r, sign));
  }
  for (; i < count; ++i) y[i] = erfScalar(x[i]);
}

bool hasAvx2() { return simdLevel() != SimdLevel::Scalar; }
#endif  // NORMFREE_X86_SIMD

}  // namespace

namespace {

void unarySerial(UnaryOp op, int64_t count, const float* x, float* y) {
  switch (op) {
    case UnaryOp::Exp:
#if NORMFREE_X86_SIMD
      if (hasAvx2()) return expAvx2(count, x, y);
#endif
      for (int64_t i = 0; i < count; ++i) y[i] = std::exp(x[i]);
      return;
    case UnaryOp::Tanh:
#if NORMFREE_X86_SIMD
      if (hasAvx2()) return tanhAvx2(count, x, y);
#endif
      for (int64_t i = 0; i < count; ++i) y[i] = std::tanh(x[i]);
      return;
    case UnaryOp::Erf:
#if NORMFREE_X86_SIMD
      if (hasAvx2()) return erfAvx2(count, x, y);
#endif
      for (int64_t i = 0; i < count; ++i) y[i] = erfScalar(x[i]);
      return;
  }
}

}  // namespace

void unary(UnaryOp op, int64_t count, const float* x, float* y) {
  // Parts start on multiples of 64 elements, so every element goes through the same 8-lane or tail
  // code as with one thread (the scalar tail uses libm, which differs from exp8 by an ulp).
  constexpr int64_t kBlock = 64;
  parallelFor((count + kBlock - 1) / kBlock, kMinTranscendentalPerThread / kBlock, [&](int64_t first, int64_t last) {
    const int64_t begin = first * kBlock, end = std::min(count, last * kBlock);
    unarySerial(op, end - begin, x + begin, y + begin);
  });
}

namespace {

#if NORMFREE_X86_SIMD
// One softmax row with AVX2: vector max, exp written once with the running sum, one scaling pass.
// Reports the row's maximum and the sum of exp(x − max) when asked (the cross-entropy's log-sum-exp).
__attribute__((target("avx2,fma"))) void softmaxRowAvx2(int cols, const float* in, float* out, float* maxOut = nullptr,
                                                        float* sumOut = nullptr) {
  __m256 maxima = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  int c = 0;
  for (; c + 8 <= cols; c += 8) maxima = _mm256_max_ps(maxima, _mm256_loadu_ps(in + c));
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, maxima);
  float maximum = lanes[0];
  for (int lane = 1; lane < 8; ++lane) maximum = std::max(maximum, lanes[lane]);
  for (int rest = c; rest < cols; ++rest) maximum = std::max(maximum, in[rest]);
  const __m256 shift = _mm256_set1_ps(maximum);
  __m256 sums = _mm256_setzero_ps();
  for (c = 0; c + 8 <= cols; c += 8) {
    const __m256 e = exp8(_mm256_sub_ps(_mm256_loadu_ps(in + c), shift));
    _mm256_storeu_ps(out + c, e);
    sums = _mm256_add_ps(sums, e);
  }
  _mm256_store_ps(lanes, sums);
  float sum = 0.0f;
  for (int lane = 0; lane < 8; ++lane) sum += lanes[lane];
  for (; c < cols; ++c) {
    out[c] = std::exp(in[c] - maximum);
    sum += out[c];
  }
  const __m256 inverse = _mm256_set1_ps(1.0f / sum);
  for (c = 0; c + 8 <= cols; c += 8) _mm256_storeu_ps(out + c, _mm256_mul_ps(_mm256_loadu_ps(out + c), inverse));
  for (; c < cols; ++c) out[c] *= 1.0f / sum;
  if (maxOut != nullptr) *maxOut = maximum;
  if (sumOut != nullptr) *sumOut = sum;
}
#endif  // NORMFREE_X86_SIMD

/** Rows per part so that a part holds at least `elements` values. */
int64_t rowsFor(int64_t elements, int64_t cols) { return std::max<int64_t>(1, elements / std::max<int64_t>(1, cols)); }

/**
 * An odometer over the first `axes` axes of `shape`, started at the flat row `start`: what the
 * serial loops count up from 0, a part of a parallel loop starts in the middle.
 */
struct Odometer {
  int64_t index[8] = {0};
  int axes;
  const int32_t* shape;
  Odometer(int axesCount, const int32_t* dims, int64_t start) : axes(axesCount), shape(dims) {
    for (int d = axes - 1; d >= 0; --d) {
      index[d] = start % shape[d];
      start /= shape[d];
    }
  }
  template <typename Strides>
  int64_t offset(const Strides* strides) const {
    int64_t sum = 0;
    for (int d = 0; d < axes; ++d) sum += index[d] * strides[d];
    return sum;
  }
  void next() {
    for (int d = axes - 1; d >= 0; --d) {
      if (++index[d] < shape[d]) return;
      index[d] = 0;
    }
  }
};

int64_t product(const int32_t* shape, int axes) {
  int64_t total = 1;
  for (int d = 0; d < axes; ++d) total *= shape[d];
  return total;
}

}  // namespace

namespace {

/** One softmax row: the AVX2 row code where the CPU has it, else scalar with a double sum. in and out may alias. */
void softmaxRow(int cols, const float* in, float* out) {
#if NORMFREE_X86_SIMD
  if (hasAvx2()) return softmaxRowAvx2(cols, in, out);
#endif
  float maximum = -std::numeric_limits<float>::infinity();
  for (int c = 0; c < cols; ++c) maximum = std::max(maximum, in[c]);
  // A row of -inf (fully masked) gives NaN like TF.js's softmax; do not special-case it.
  double sum = 0.0;
  for (int c = 0; c < cols; ++c) {
    out[c] = std::exp(in[c] - maximum);
    sum += out[c];
  }
  const float inverse = static_cast<float>(1.0 / sum);
  for (int c = 0; c < cols; ++c) out[c] *= inverse;
}

}  // namespace

void softmaxRows(int rows, int cols, const float* x, float* y) {
  parallelFor(rows, rowsFor(kMinTranscendentalPerThread, cols), [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      softmaxRow(cols, x + static_cast<int64_t>(r) * cols, y + static_cast<int64_t>(r) * cols);
    }
  });
}

void softmaxCrossEntropyForward(int rows, int classes, const float* logits, const int32_t* labels, float* loss, float* probs) {
  parallelFor(rows, rowsFor(kMinTranscendentalPerThread, classes), [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* in = logits + static_cast<int64_t>(r) * classes;
      float* out = probs + static_cast<int64_t>(r) * classes;
      const int32_t label = labels[r];
#if NORMFREE_X86_SIMD
      if (hasAvx2()) {
        // The Softmax kernel's own row code (the probabilities equal tf.softmax's bit for bit).
        float maximum = 0.0f, sum = 0.0f;
        softmaxRowAvx2(classes, in, out, &maximum, &sum);
        loss[r] = (label >= 0 && label < classes) ? std::log(sum) + maximum - in[label] : 0.0f;
        continue;
      }
#endif
      float maximum = -std::numeric_limits<float>::infinity();
      for (int c = 0; c < classes; ++c) maximum = std::max(maximum, in[c]);
      for (int c = 0; c < classes; ++c) out[c] = in[c] - maximum;
      unarySerial(UnaryOp::Exp, classes, out, out);
      double sum = 0.0;
      for (int c = 0; c < classes; ++c) sum += out[c];
      const float inverse = static_cast<float>(1.0 / sum);
      for (int c = 0; c < classes; ++c) out[c] *= inverse;
      loss[r] = (label >= 0 && label < classes) ? static_cast<float>(std::log(sum) + maximum - in[label]) : 0.0f;
    }
  });
}

void softmaxCrossEntropyBackward(int rows, int classes, const float* probs, const int32_t* labels, const float* dloss, float* dlogits) {
  parallelFor(rows, rowsFor(kMinMemoryBoundPerThread, classes), [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* p = probs + static_cast<int64_t>(r) * classes;
      float* out = dlogits + static_cast<int64_t>(r) * classes;
      const int32_t label = labels[r];
      if (label < 0 || label >= classes) {
        std::fill(out, out + classes, 0.0f);
        continue;
      }
      const float scale = dloss[r];
      for (int c = 0; c < classes; ++c) out[c] = p[c] * scale;
      out[label] -= scale;
    }
  });
}

namespace {

// out = op(a, b) elementwise over a broadcast shape (element strides per axis, 0 where an input is
// broadcast). An odometer over all axes but the last; the last axis is a tight loop with strides
// 0 or 1. Output rows are independent: parts of the row range run on the pool's threads.
template <typename In, typename Out, typename Op>
void broadcastLoop(Op op, int rank, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides, const In* a,
                   const In* b, Out* out) {
  const int last = rank - 1;
  const int32_t inner = shape[last];
  const int32_t aStep = aStrides[last], bStep = bStrides[last];
  parallelFor(product(shape, last), rowsFor(kMinMemoryBoundPerThread, inner), [&](int64_t first, int64_t end) {
    Odometer rows(last, shape, first);
    Out* target = out + first * inner;
    for (int64_t o = first; o < end; ++o) {
      const In* ap = a + rows.offset(aStrides);
      const In* bp = b + rows.offset(bStrides);
      if (aStep == 1 && bStep == 1) {
        for (int32_t i = 0; i < inner; ++i) target[i] = op(ap[i], bp[i]);
      } else if (aStep == 1 && bStep == 0) {
        const In value = *bp;
        for (int32_t i = 0; i < inner; ++i) target[i] = op(ap[i], value);
      } else if (aStep == 0 && bStep == 1) {
        const In value = *ap;
        for (int32_t i = 0; i < inner; ++i) target[i] = op(value, bp[i]);
      } else {
        for (int32_t i = 0; i < inner; ++i) target[i] = op(ap[i * aStep], bp[i * bStep]);
      }
      target += inner;
      rows.next();
    }
  });
}

}  // namespace

void broadcastEqual(int rank, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides, const void* a,
                    const void* b, uint8_t* out, bool isFloat) {
  if (isFloat) {
    broadcastLoop([](float x, float y) -> uint8_t { return x == y; }, rank, shape, aStrides, bStrides, static_cast<const float*>(a),
                  static_cast<const float*>(b), out);
  } else {
    broadcastLoop([](int32_t x, int32_t y) -> uint8_t { return x == y; }, rank, shape, aStrides, bStrides,
                  static_cast<const int32_t*>(a), static_cast<const int32_t*>(b), out);
  }
}

void stridedCopy(int rank, const int32_t* shape, const int64_t* inStrides, const uint8_t* in, uint8_t* out, int elementBytes) {
  const int last = rank - 1;
  const int32_t inner = shape[last];
  const int64_t step = inStrides[last];
  const size_t rowBytes = static_cast<size_t>(inner) * elementBytes;
  if (step != 1 && elementBytes == 4 && last >= 1 && inStrides[last - 1] == 1 && shape[last - 1] >= 8) {
    // The last two output axes are a transpose of a contiguous input block (e.g. swapping the last two
    // axes): copy each block in 16×16 tiles so both the reads and the writes stay in cache lines. A unit
    // of work is one band of 16 output rows of one block, so a single large 2-D transpose is shared out too.
    constexpr int32_t kTile = 16;
    const int32_t blockRows = shape[last - 1];
    const int64_t bands = (blockRows + kTile - 1) / kTile;
    const int64_t blocks = product(shape, last - 1);
    parallelFor(blocks * bands, rowsFor(kMinMemoryBoundPerThread, static_cast<int64_t>(kTile) * inner), [&](int64_t first, int64_t end) {
      Odometer units(last - 1, shape, first / bands);
      for (int64_t unit = first; unit < end; ++unit) {
        const int64_t band = unit % bands;
        if (unit != first && band == 0) units.next();
        const uint32_t* source = reinterpret_cast<const uint32_t*>(in) + units.offset(inStrides);
        uint32_t* block = reinterpret_cast<uint32_t*>(out) + (unit / bands) * blockRows * static_cast<int64_t>(inner);
        const int32_t r0 = static_cast<int32_t>(band) * kTile, r1 = std::min(blockRows, r0 + kTile);
        for (int32_t c0 = 0; c0 < inner; c0 += kTile) {
          const int32_t c1 = std::min(inner, c0 + kTile);
          for (int32_t r = r0; r < r1; ++r)
            for (int32_t c = c0; c < c1; ++c) block[static_cast<int64_t>(r) * inner + c] = source[r + c * step];
        }
      }
    });
    return;
  }
  // Otherwise a unit of work is one output row; rows are independent.
  parallelFor(product(shape, last), rowsFor(kMinMemoryBoundPerThread, inner), [&](int64_t first, int64_t end) {
    Odometer rows(last, shape, first);
    uint8_t* target = out + static_cast<size_t>(first) * rowBytes;
    for (int64_t o = first; o < end; ++o) {
      const int64_t base = rows.offset(inStrides);
      if (step == 1) {
        std::memcpy(target, in + base * elementBytes, rowBytes);
      } else if (elementBytes == 4) {
        const uint32_t* source = reinterpret_cast<const uint32_t*>(in) + base;
        uint32_t* row = reinterpret_cast<uint32_t*>(target);
        for (int32_t i = 0; i < inner; ++i) row[i] = source[i * step];
      } else {
        const uint8_t* source = in + base * elementBytes;
        for (int32_t i = 0; i < inner; ++i) std::memcpy(target + static_cast<size_t>(i) * elementBytes, source + i * step * elementBytes, elementBytes);
      }
      target += rowBytes;
      rows.next();
    }
  });
}

void broadcastBinary(BinaryOp op, int rank, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides,
                     const float* a, const float* b, float* out) {
  switch (op) {
    case BinaryOp::Add: return broadcastLoop<float, float>([](float x, float y) { return x + y; }, rank, shape, aStrides, bStrides, a, b, out);
    case BinaryOp::Sub: return broadcastLoop<float, float>([](float x, float y) { return x - y; }, rank, shape, aStrides, bStrides, a, b, out);
    case BinaryOp::Mul: return broadcastLoop<float, float>([](float x, float y) { return x * y; }, rank, shape, aStrides, bStrides, a, b, out);
    case BinaryOp::Div: return broadcastLoop<float, float>([](float x, float y) { return x / y; }, rank, shape, aStrides, bStrides, a, b, out);
  }
}

namespace {

// Reductions run in parts over (outer, inner-column block) pairs: each output element is reduced by
// one thread in the same order as with one thread (bit-identical). A reduction to one value (outer =
// inner = 1) stays on one thread: splitting it would change the summation order.
// 256 columns per block: splitting a (4096, 128) sum over a leading axis into 16-column blocks was
// measured slower on 2 threads (173 → 197 µs for 1 M elements: both threads stream every row), so
// narrow sums stay on one thread.
constexpr int64_t kColumnBlock = 256;

template <typename Row, typename Columns>
void reduceParts(int64_t outer, int64_t reduce, int64_t inner, Row row, Columns columns) {
  if (inner == 1) {
    parallelFor(outer, rowsFor(kMinMemoryBoundPerThread, reduce), [&](int64_t first, int64_t last) {
      for (int64_t o = first; o < last; ++o) row(o);
    });
    return;
  }
  const int64_t blocks = (inner + kColumnBlock - 1) / kColumnBlock;
  const int64_t blockElements = reduce * std::min(inner, kColumnBlock);
  parallelFor(outer * blocks, rowsFor(kMinMemoryBoundPerThread, blockElements), [&](int64_t first, int64_t last) {
    // The part's column blocks of one outer index are reduced in one pass over the rows.
    for (int64_t o = first / blocks; o * blocks < last; ++o) {
      const int64_t b0 = std::max(first, o * blocks) - o * blocks, b1 = std::min(last, (o + 1) * blocks) - o * blocks;
      columns(o, b0 * kColumnBlock, std::min(inner, b1 * kColumnBlock));
    }
  });
}

}  // namespace

void reduceMax(int64_t outer, int64_t reduce, int64_t inner, const float* x, float* out) {
  const auto row = [&](int64_t o) {
    const float* block = x + o * reduce;
    // Row max: 8 independent lanes vectorise; NaN is tracked separately (x != x).
    float lanes[8];
    bool nan = false;
    for (int lane = 0; lane < 8; ++lane) lanes[lane] = -std::numeric_limits<float>::infinity();
    int64_t r = 0;
    for (; r + 8 <= reduce; r += 8)
      for (int lane = 0; lane < 8; ++lane) {
        const float value = block[r + lane];
        nan |= value != value;
        lanes[lane] = value > lanes[lane] ? value : lanes[lane];
      }
    float best = -std::numeric_limits<float>::infinity();
    for (; r < reduce; ++r) {
      nan |= block[r] != block[r];
      best = block[r] > best ? block[r] : best;
    }
    for (int lane = 0; lane < 8; ++lane) best = lanes[lane] > best ? lanes[lane] : best;
    out[o] = nan ? std::numeric_limits<float>::quiet_NaN() : best;
  };
  const auto columns = [&](int64_t o, int64_t i0, int64_t i1) {
    const float* block = x + o * reduce * inner;
    float* target = out + o * inner;
    std::memcpy(target + i0, block + i0, sizeof(float) * (i1 - i0));
    for (int64_t r = 1; r < reduce; ++r) {
      const float* line = block + r * inner;
      // NaN propagates, as in TF.js (a comparison with NaN is false, so test it explicitly).
      for (int64_t i = i0; i < i1; ++i) target[i] = (line[i] > target[i] || line[i] != line[i]) ? line[i] : target[i];
    }
  };
  reduceParts(outer, reduce, inner, row, columns);
}

void reduceSum(int64_t outer, int64_t reduce, int64_t inner, const float* x, float* out) {
  const auto row = [&](int64_t o) {
    const float* block = x + o * reduce;
    // Row sum: 8 partial sums let the compiler vectorise without reassociating a single chain.
    float partial[8] = {0, 0, 0, 0, 0, 0, 0, 0};
    int64_t r = 0;
    for (; r + 8 <= reduce; r += 8)
      for (int lane = 0; lane < 8; ++lane) partial[lane] += block[r + lane];
    float sum = 0.0f;
    for (; r < reduce; ++r) sum += block[r];
    for (int lane = 0; lane < 8; ++lane) sum += partial[lane];
    out[o] = sum;
  };
  const auto columns = [&](int64_t o, int64_t i0, int64_t i1) {
    const float* block = x + o * reduce * inner;
    float* target = out + o * inner;
    std::memcpy(target + i0, block + i0, sizeof(float) * (i1 - i0));
    for (int64_t r = 1; r < reduce; ++r) {
      const float* line = block + r * inner;
      for (int64_t i = i0; i < i1; ++i) target[i] += line[i];
    }
  };
  reduceParts(outer, reduce, inner, row, columns);
}

}  // namespace normfree

namespace normfree {

// ---- Fused kernels of the training step (kernels.h). ----

namespace {

// Elementwise fused kernels run over blocks of 64 values aligned on 0, as `unary` does, so every
// value goes through the same 8-lane or tail code as the Erf/Exp kernels they replace.
constexpr int64_t kFusedBlock = 64;

template <typename Body>
void forBlocks(int64_t count, Body body) {
  parallelFor((count + kFusedBlock - 1) / kFusedBlock, kMinTranscendentalPerThread / kFusedBlock, [&](int64_t first, int64_t last) {
    for (int64_t block = first; block < last; ++block) {
      const int64_t begin = block * kFusedBlock;
      body(begin, std::min(count, begin + kFusedBlock) - begin);
    }
  });
}

// TF.js scalars are float32: the constants round once, as tf.mul(x, Math.SQRT1_2) rounds them.
constexpr float kSqrtHalf = static_cast<float>(0.70710678118654752440);
constexpr float kInvSqrt2Pi = static_cast<float>(0.39894228040143267794);

}  // namespace

void geluErfForward(int64_t count, const float* x, float* y) {
  forBlocks(count, [&](int64_t begin, int64_t n) {
    float erfs[kFusedBlock];
    for (int64_t i = 0; i < n; ++i) erfs[i] = x[begin + i] * kSqrtHalf;
    unarySerial(UnaryOp::Erf, n, erfs, erfs);
    for (int64_t i = 0; i < n; ++i) y[begin + i] = x[begin + i] * (0.5f * (1.0f + erfs[i]));
  });
}

void geluErfBackward(int64_t count, const float* x, const float* dy, float* dx) {
  forBlocks(count, [&](int64_t begin, int64_t n) {
    float erfs[kFusedBlock];
    float exps[kFusedBlock];
    for (int64_t i = 0; i < n; ++i) {
      const float value = x[begin + i];
      erfs[i] = value * kSqrtHalf;
      exps[i] = -0.5f * (value * value);
    }
    unarySerial(UnaryOp::Erf, n, erfs, erfs);
    unarySerial(UnaryOp::Exp, n, exps, exps);
    for (int64_t i = 0; i < n; ++i) {
      const float cdf = 0.5f * (1.0f + erfs[i]);
      const float pdf = kInvSqrt2Pi * exps[i];
      dx[begin + i] = dy[begin + i] * (cdf + x[begin + i] * pdf);
    }
  });
}

void layerNormForward(int rows, int cols, const float* x, const float* gain, const float* bias, float epsilon, float* y,
                      float* normed, float* invStd) {
  const float count = static_cast<float>(cols);
  parallelFor(rows, rowsFor(kMinMemoryBoundPerThread, cols), [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* in = x + r * cols;
      float* n = normed + r * cols;
      float* out = y + r * cols;
      float sum = 0.0f;
      for (int c = 0; c < cols; ++c) sum += in[c];
      const float mean = sum / count;
      float squares = 0.0f;
      for (int c = 0; c < cols; ++c) {
        n[c] = in[c] - mean;
        squares += n[c] * n[c];
      }
      const float inverse = 1.0f / std::sqrt(squares / count + epsilon);
      invStd[r] = inverse;
      for (int c = 0; c < cols; ++c) {
        n[c] *= inverse;
        out[c] = n[c] * gain[c] + bias[c];
      }
    }
  });
}

void layerNormBackward(int rows, int cols, const float* dy, const float* normed, const float* invStd, const float* gain,
                       float* dx, float* dgain, float* dbias) {
  const float count = static_cast<float>(cols);
  parallelFor(rows, rowsFor(kMinMemoryBoundPerThread, cols), [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* d = dy + r * cols;
      const float* n = normed + r * cols;
      float* out = dx + r * cols;
      float sumScaled = 0.0f, sumScaledNormed = 0.0f;
      for (int c = 0; c < cols; ++c) {
        const float g = d[c] * gain[c];
        sumScaled += g;
        sumScaledNormed += g * n[c];
      }
      const float meanScaled = sumScaled / count, meanScaledNormed = sumScaledNormed / count;
      for (int c = 0; c < cols; ++c) out[c] = invStd[r] * ((d[c] * gain[c] - meanScaled) - n[c] * meanScaledNormed);
    }
  });
  // Column sums in row order: parts own whole columns, so the sums do not depend on the thread count.
  parallelFor(cols, std::max<int64_t>(1, kMinMemoryBoundPerThread / std::max(1, rows)), [&](int64_t first, int64_t last) {
    for (int64_t c = first; c < last; ++c) {
      dgain[c] = 0.0f;
      dbias[c] = 0.0f;
    }
    for (int64_t r = 0; r < rows; ++r) {
      const float* d = dy + r * cols;
      const float* n = normed + r * cols;
      for (int64_t c = first; c < last; ++c) {
        dgain[c] += d[c] * n[c];
        dbias[c] += d[c];
      }
    }
  });
}

void causalSoftmax(int64_t blocks, int T, const float* scores, float scale, float* probs) {
  const float masked = -std::numeric_limits<float>::max();
  const int64_t rows = blocks * T;
  parallelFor(rows, rowsFor(kMinTranscendentalPerThread, T), [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const int query = static_cast<int>(r % T);
      const float* in = scores + r * T;
      float* out = probs + r * T;
      // scores/scale, then the float32 minimum above the diagonal (adding it to a finite score gives
      // exactly the minimum), then the softmax kernel's own row code.
      for (int c = 0; c <= query; ++c) out[c] = in[c] / scale;
      for (int c = query + 1; c < T; ++c) out[c] = masked;
      softmaxRow(T, out, out);
    }
  });
}

void softmaxBackward(int64_t rows, int cols, const float* probs, const float* dprobs, float scale, float* out) {
  parallelFor(rows, rowsFor(kMinMemoryBoundPerThread, cols), [&](int64_t first, int64_t last) {
    for (int64_t r = first; r < last; ++r) {
      const float* p = probs + r * cols;
      const float* dp = dprobs + r * cols;
      float* o = out + r * cols;
      float dot = 0.0f;
      for (int c = 0; c < cols; ++c) dot += dp[c] * p[c];
      for (int c = 0; c < cols; ++c) o[c] = (p[c] * (dp[c] - dot)) / scale;
    }
  });
}

void adamWStep(int64_t count, const float* param, const float* first, const float* second, const float* gradient,
               const AdamWScalars& s, float* paramOut, float* firstOut, float* secondOut) {
  parallelFor(count, kMinMemoryBoundPerThread, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) {
      const float g = gradient[i];
      const float m = first[i] * s.beta1 + g * s.oneMinusBeta1;
      const float v = second[i] * s.beta2 + (g * g) * s.oneMinusBeta2;
      const float p = param[i];
      float updated;
      if (!s.torchRule) {
        const float adam = p - (m / (std::sqrt(v) + s.epsilon)) * s.stepSize;
        updated = s.decay ? adam - adam * s.decayRate : adam;
      } else {
        const float step = (m / (std::sqrt(v) / s.sqrtBias2 + s.epsilon)) * s.lrOverBias1;
        updated = (s.decay ? p * s.keep : p) - step;
      }
      firstOut[i] = m;
      secondOut[i] = v;
      paramOut[i] = updated;
    }
  });
}

}  // namespace normfree
