// N-API entry points of @normfree/backend-native. Every kernel works in place on the wasm backend's
// heap: JavaScript passes the heap's ArrayBuffer plus byte offsets of the tensors (zero-copy,
// toolchain.md §11.9), and the heap is re-read on every call because it is replaced when it grows.
#include <node_api.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

#include "gemm.h"
#include "kernels.h"
#include "thread-pool.h"

namespace {

#define NAPI_OK(call)                                                    \
  do {                                                                   \
    if ((call) != napi_ok) {                                             \
      napi_throw_error(env, nullptr, "normfree-native: N-API call failed: " #call); \
      return nullptr;                                                    \
    }                                                                    \
  } while (0)

struct Args {
  napi_value values[16];
  size_t count = 16;
};

bool readArgs(napi_env env, napi_callback_info info, Args& args, size_t expected) {
  if (napi_get_cb_info(env, info, &args.count, args.values, nullptr, nullptr) != napi_ok) return false;
  if (args.count < expected) {
    std::string message = "normfree-native: expected " + std::to_string(expected) + " arguments, got " + std::to_string(args.count);
    napi_throw_type_error(env, nullptr, message.c_str());
    return false;
  }
  return true;
}

bool heapOf(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  void* raw = nullptr;
  if (napi_get_arraybuffer_info(env, value, &raw, length) != napi_ok || raw == nullptr) {
    napi_throw_type_error(env, nullptr, "normfree-native: first argument must be the wasm heap's (attached) ArrayBuffer");
    return false;
  }
  *data = static_cast<uint8_t*>(raw);
  return true;
}

bool int64Of(napi_env env, napi_value value, int64_t* out) {
  if (napi_get_value_int64(env, value, out) != napi_ok) {
    napi_throw_type_error(env, nullptr, "normfree-native: expected a number argument");
    return false;
  }
  return true;
}

// A float pointer at a byte offset on the heap, bounds-checked for `count` floats.
bool floatsAt(napi_env env, uint8_t* heap, size_t heapLength, int64_t offset, int64_t count, float** out) {
  if (offset < 0 || count < 0 || offset % 4 != 0 || static_cast<uint64_t>(offset) + static_cast<uint64_t>(count) * 4 > heapLength) {
    napi_throw_range_error(env, nullptr, "normfree-native: tensor lies outside the wasm heap");
    return false;
  }
  *out = reinterpret_cast<float*>(heap + offset);
  return true;
}

bool int32sAt(napi_env env, uint8_t* heap, size_t heapLength, int64_t offset, int64_t count, int32_t** out) {
  float* pointer = nullptr;
  if (!floatsAt(env, heap, heapLength, offset, count, &pointer)) return false;
  *out = reinterpret_cast<int32_t*>(pointer);
  return true;
}

// info() -> { simd: string, threads: number, cores: number, parallelRegions: number }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value result, simd, threads, cores, regions;
  NAPI_OK(napi_create_object(env, &result));
  NAPI_OK(napi_create_string_utf8(env, normfree::simdName(normfree::simdLevel()), NAPI_AUTO_LENGTH, &simd));
  NAPI_OK(napi_set_named_property(env, result, "simd", simd));
  NAPI_OK(napi_create_int32(env, normfree::threadCount(), &threads));
  NAPI_OK(napi_set_named_property(env, result, "threads", threads));
  NAPI_OK(napi_create_int32(env, normfree::availableCores(), &cores));
  NAPI_OK(napi_set_named_property(env, result, "cores", cores));
  NAPI_OK(napi_create_double(env, static_cast<double>(normfree::parallelRegions()), &regions));
  NAPI_OK(napi_set_named_property(env, result, "parallelRegions", regions));
  return result;
}

// setThreads(count: number) -> number (the threads now in use; count is clamped to [1, 256])
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 1)) return nullptr;
  int64_t count = 0;
  if (!int64Of(env, args.values[0], &count)) return nullptr;
  if (count < 1) {
    napi_throw_range_error(env, nullptr, "normfree-native: setThreads needs a count of at least 1");
    return nullptr;
  }
  normfree::setThreadCount(static_cast<int>(std::min<int64_t>(count, 256)));
  napi_value result;
  NAPI_OK(napi_create_int32(env, normfree::threadCount(), &result));
  return result;
}

// setSimd(level: 'avx512' | 'avx2+fma' | 'scalar') -> string (the level now in use)
napi_value SetSimd(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 1)) return nullptr;
  char name[32] = {0};
  size_t length = 0;
  NAPI_OK(napi_get_value_string_utf8(env, args.values[0], name, sizeof(name), &length));
  const std::string level(name, length);
  normfree::setSimdLevel(level == "avx512" ? normfree::SimdLevel::Avx512
                         : level == "avx2+fma" ? normfree::SimdLevel::Avx2
                                               : normfree::SimdLevel::Scalar);
  napi_value result;
  NAPI_OK(napi_create_string_utf8(env, normfree::simdName(normfree::simdLevel()), NAPI_AUTO_LENGTH, &result));
  return result;
}

// matmul(heap, batch, M, N, K, aOffset, aBatchStride, bOffset, bBatchStride, cOffset, transposeA, transposeB)
// Offsets in bytes, batch strides in elements (0 broadcasts an operand over the batch).
napi_value Matmul(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 12)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  int64_t v[9];
  for (int i = 0; i < 9; ++i)
    if (!int64Of(env, args.values[1 + i], &v[i])) return nullptr;
  bool transposeA = false, transposeB = false;
  NAPI_OK(napi_get_value_bool(env, args.values[10], &transposeA));
  NAPI_OK(napi_get_value_bool(env, args.values[11], &transposeB));
  const int64_t batch = v[0], M = v[1], N = v[2], K = v[3];
  const int64_t aStride = v[5], bStride = v[7];
  float *a = nullptr, *b = nullptr, *c = nullptr;
  if (!floatsAt(env, heap, heapLength, v[4], (batch - 1) * aStride + M * K, &a)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[6], (batch - 1) * bStride + K * N, &b)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[8], batch * M * N, &c)) return nullptr;
  // Many products (attention: B·nh of them), or products too small to split: whole products per
  // thread, which keeps each one's summation order. A few large ones: each product is shared out.
  const int threads = normfree::threadCount();
  const bool byProduct = batch >= 4 * threads || batch % threads == 0 || M * N * K < (int64_t{1} << 21);
  const auto product = [&](int64_t i, bool parallel) {
    normfree::sgemm(static_cast<int>(M), static_cast<int>(N), static_cast<int>(K), a + i * aStride, transposeA,
                    b + i * bStride, transposeB, c + i * M * N, parallel);
  };
  if (threads > 1 && byProduct && batch > 1) {
    // A part should hold ≥ 2·10⁶ multiply-adds, the single-product threshold of sgemm (gemm.cc).
    const int64_t perProduct = std::max<int64_t>(1, M * N * K);
    normfree::parallelFor(batch, std::max<int64_t>(1, (int64_t{1} << 21) / perProduct), [&](int64_t first, int64_t last) {
      for (int64_t i = first; i < last; ++i) product(i, false);
    });
  } else {
    for (int64_t i = 0; i < batch; ++i) product(i, true);
  }
  return nullptr;
}

// softmaxCrossEntropy(heap, rows, classes, logitsOffset, labelsOffset, lossOffset, probsOffset)
// loss[r] = logsumexp(logits[r]) - logits[r, labels[r]]; probs = softmax(logits) (kept for backward).
// labels are int32 (a negative label gives loss 0 and no gradient: an ignored position).
napi_value SoftmaxCrossEntropy(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 7)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  int64_t v[6];
  for (int i = 0; i < 6; ++i)
    if (!int64Of(env, args.values[1 + i], &v[i])) return nullptr;
  const int64_t rows = v[0], classes = v[1];
  float *logits = nullptr, *loss = nullptr, *probs = nullptr;
  int32_t* labels = nullptr;
  if (!floatsAt(env, heap, heapLength, v[2], rows * classes, &logits)) return nullptr;
  if (!int32sAt(env, heap, heapLength, v[3], rows, &labels)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[4], rows, &loss)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[5], rows * classes, &probs)) return nullptr;
  normfree::softmaxCrossEntropyForward(static_cast<int>(rows), static_cast<int>(classes), logits, labels, loss, probs);
  return nullptr;
}

// softmaxCrossEntropyGrad(heap, rows, classes, probsOffset, labelsOffset, dlossOffset, dlogitsOffset)
// dlogits[r] = dloss[r] · (probs[r] - onehot(labels[r]))
napi_value SoftmaxCrossEntropyGrad(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 7)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  int64_t v[6];
  for (int i = 0; i < 6; ++i)
    if (!int64Of(env, args.values[1 + i], &v[i])) return nullptr;
  const int64_t rows = v[0], classes = v[1];
  float *probs = nullptr, *dloss = nullptr, *dlogits = nullptr;
  int32_t* labels = nullptr;
  if (!floatsAt(env, heap, heapLength, v[2], rows * classes, &probs)) return nullptr;
  if (!int32sAt(env, heap, heapLength, v[3], rows, &labels)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[4], rows, &dloss)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[5], rows * classes, &dlogits)) return nullptr;
  normfree::softmaxCrossEntropyBackward(static_cast<int>(rows), static_cast<int>(classes), probs, labels, dloss, dlogits);
  return nullptr;
}

// fused(heap, op, params: Float64Array): the fused kernels of kernels.h. params holds sizes, byte
// offsets (exact as doubles below 2^53) and float scalars, per op:
//   0 geluErf        [count, x, y]
//   1 geluErfGrad    [count, x, dy, dx]
//   2 layerNorm      [rows, cols, x, gain, bias, epsilon, y, normed, invStd]
//   3 layerNormGrad  [rows, cols, dy, normed, invStd, gain, dx, dgain, dbias]
//   4 causalSoftmax  [blocks, T, scores, scale, probs]
//   5 softmaxGrad    [rows, cols, probs, dprobs, scale, out]
//   6 adamW          [count, param, first, second, gradient, paramOut, firstOut, secondOut, torchRule, decay,
//                     beta1, 1−β1, beta2, 1−β2, epsilon, stepSize, decayRate, √(1−β2^t), lr/(1−β1^t), 1 − lr·wd]
napi_value Fused(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 3)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  int64_t op = 0;
  if (!int64Of(env, args.values[1], &op)) return nullptr;
  napi_typedarray_type type;
  size_t length = 0;
  void* raw = nullptr;
  if (napi_get_typedarray_info(env, args.values[2], &type, &length, &raw, nullptr, nullptr) != napi_ok || type != napi_float64_array) {
    napi_throw_type_error(env, nullptr, "normfree-native: fused() expects its parameters as a Float64Array");
    return nullptr;
  }
  const double* p = static_cast<const double*>(raw);
  static const size_t kParams[] = {3, 4, 9, 9, 5, 6, 20};
  if (op < 0 || op > 6 || length < kParams[op]) {
    napi_throw_range_error(env, nullptr, "normfree-native: fused() got an unknown op or too few parameters");
    return nullptr;
  }
  const auto at = [&](int index, int64_t count, float** out) { return floatsAt(env, heap, heapLength, static_cast<int64_t>(p[index]), count, out); };
  float *a = nullptr, *b = nullptr, *c = nullptr, *d = nullptr, *e = nullptr, *f = nullptr, *g = nullptr;
  switch (op) {
    case 0: {
      const int64_t count = static_cast<int64_t>(p[0]);
      if (!at(1, count, &a) || !at(2, count, &b)) return nullptr;
      normfree::geluErfForward(count, a, b);
      break;
    }
    case 1: {
      const int64_t count = static_cast<int64_t>(p[0]);
      if (!at(1, count, &a) || !at(2, count, &b) || !at(3, count, &c)) return nullptr;
      normfree::geluErfBackward(count, a, b, c);
      break;
    }
    case 2: {
      const int64_t rows = static_cast<int64_t>(p[0]), cols = static_cast<int64_t>(p[1]);
      if (!at(2, rows * cols, &a) || !at(3, cols, &b) || !at(4, cols, &c) || !at(6, rows * cols, &d) || !at(7, rows * cols, &e) || !at(8, rows, &f)) return nullptr;
      normfree::layerNormForward(static_cast<int>(rows), static_cast<int>(cols), a, b, c, static_cast<float>(p[5]), d, e, f);
      break;
    }
    case 3: {
      const int64_t rows = static_cast<int64_t>(p[0]), cols = static_cast<int64_t>(p[1]);
      if (!at(2, rows * cols, &a) || !at(3, rows * cols, &b) || !at(4, rows, &c) || !at(5, cols, &d) || !at(6, rows * cols, &e) || !at(7, cols, &f) || !at(8, cols, &g)) return nullptr;
      normfree::layerNormBackward(static_cast<int>(rows), static_cast<int>(cols), a, b, c, d, e, f, g);
      break;
    }
    case 4: {
      const int64_t blocks = static_cast<int64_t>(p[0]), T = static_cast<int64_t>(p[1]);
      if (!at(2, blocks * T * T, &a) || !at(4, blocks * T * T, &b)) return nullptr;
      normfree::causalSoftmax(blocks, static_cast<int>(T), a, static_cast<float>(p[3]), b);
      break;
    }
    case 5: {
      const int64_t rows = static_cast<int64_t>(p[0]), cols = static_cast<int64_t>(p[1]);
      if (!at(2, rows * cols, &a) || !at(3, rows * cols, &b) || !at(5, rows * cols, &c)) return nullptr;
      normfree::softmaxBackward(rows, static_cast<int>(cols), a, b, static_cast<float>(p[4]), c);
      break;
    }
    case 6: {
      const int64_t count = static_cast<int64_t>(p[0]);
      if (!at(1, count, &a) || !at(2, count, &b) || !at(3, count, &c) || !at(4, count, &d) || !at(5, count, &e) || !at(6, count, &f) || !at(7, count, &g)) return nullptr;
      normfree::AdamWScalars scalars;
      scalars.torchRule = p[8] != 0;
      scalars.decay = p[9] != 0;
      float* const fields[] = {&scalars.beta1, &scalars.oneMinusBeta1, &scalars.beta2, &scalars.oneMinusBeta2, &scalars.epsilon,
                               &scalars.stepSize, &scalars.decayRate, &scalars.sqrtBias2, &scalars.lrOverBias1, &scalars.keep};
      for (int index = 0; index < 10; ++index) *fields[index] = static_cast<float>(p[10 + index]);
      normfree::adamWStep(count, a, b, c, d, scalars, e, f, g);
      break;
    }
  }
  return nullptr;
}

// unary(heap, op, count, xOffset, yOffset): y = f(x) elementwise; op: 0 exp, 1 tanh, 2 erf.
napi_value Unary(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 5)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  int64_t v[4];
  for (int i = 0; i < 4; ++i)
    if (!int64Of(env, args.values[1 + i], &v[i])) return nullptr;
  float *x = nullptr, *y = nullptr;
  if (!floatsAt(env, heap, heapLength, v[2], v[1], &x)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[3], v[1], &y)) return nullptr;
  normfree::unary(static_cast<normfree::UnaryOp>(v[0]), v[1], x, y);
  return nullptr;
}

// softmaxRows(heap, rows, cols, xOffset, yOffset): y = softmax over the last axis.
napi_value SoftmaxRows(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 5)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  int64_t v[4];
  for (int i = 0; i < 4; ++i)
    if (!int64Of(env, args.values[1 + i], &v[i])) return nullptr;
  float *x = nullptr, *y = nullptr;
  if (!floatsAt(env, heap, heapLength, v[2], v[0] * v[1], &x)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[3], v[0] * v[1], &y)) return nullptr;
  normfree::softmaxRows(static_cast<int>(v[0]), static_cast<int>(v[1]), x, y);
  return nullptr;
}

// equal(heap, dims: Int32Array, aOffset, bOffset, outOffset, isFloat)
// dims = [rank, outShape[rank], aStrides[rank], bStrides[rank]] (element strides, 0 on broadcast axes).
// out[i] = a[...] == b[...] as bytes (TF.js bool).
napi_value Equal(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 6)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  napi_typedarray_type type;
  size_t length = 0;
  void* raw = nullptr;
  napi_value buffer;
  size_t byteOffset = 0;
  NAPI_OK(napi_get_typedarray_info(env, args.values[1], &type, &length, &raw, &buffer, &byteOffset));
  if (type != napi_int32_array || length < 1) {
    napi_throw_type_error(env, nullptr, "normfree-native: dims must be an Int32Array");
    return nullptr;
  }
  const int32_t* dims = static_cast<const int32_t*>(raw);
  const int rank = dims[0];
  if (rank < 1 || rank > 8 || length < static_cast<size_t>(1 + 3 * rank)) {
    napi_throw_range_error(env, nullptr, "normfree-native: equal supports ranks 1-8");
    return nullptr;
  }
  int64_t v[4];
  for (int i = 0; i < 3; ++i)
    if (!int64Of(env, args.values[2 + i], &v[i])) return nullptr;
  bool isFloat = false;
  NAPI_OK(napi_get_value_bool(env, args.values[5], &isFloat));
  int64_t outSize = 1, aExtent = 1, bExtent = 1;
  for (int d = 0; d < rank; ++d) {
    outSize *= dims[1 + d];
    aExtent += static_cast<int64_t>(dims[1 + d] - 1) * dims[1 + rank + d];
    bExtent += static_cast<int64_t>(dims[1 + d] - 1) * dims[1 + 2 * rank + d];
  }
  float *a = nullptr, *b = nullptr, *out = nullptr;
  if (!floatsAt(env, heap, heapLength, v[0], aExtent, &a)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[1], bExtent, &b)) return nullptr;
  if (v[2] < 0 || static_cast<uint64_t>(v[2] + outSize) > heapLength) {
    napi_throw_range_error(env, nullptr, "normfree-native: output lies outside the wasm heap");
    return nullptr;
  }
  normfree::broadcastEqual(rank, dims + 1, dims + 1 + rank, dims + 1 + 2 * rank, a, b, heap + v[2], isFloat);
  return nullptr;
}

bool int32ArrayOf(napi_env env, napi_value value, const int32_t** data, size_t* length) {
  napi_typedarray_type type;
  void* raw = nullptr;
  napi_value buffer;
  size_t byteOffset = 0;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &byteOffset) != napi_ok || type != napi_int32_array) {
    napi_throw_type_error(env, nullptr, "normfree-native: expected an Int32Array");
    return false;
  }
  *data = static_cast<const int32_t*>(raw);
  return true;
}

// stridedCopy(heap, dims: Int32Array [rank, shape…, inStrides…], inOffset, outOffset, elementBytes)
// inOffset/outOffset in bytes (inOffset already includes any slice start); strides in elements.
napi_value StridedCopy(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 5)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  const int32_t* dims = nullptr;
  size_t length = 0;
  if (!int32ArrayOf(env, args.values[1], &dims, &length)) return nullptr;
  const int rank = length > 0 ? dims[0] : 0;
  if (rank < 1 || rank > 8 || length < static_cast<size_t>(1 + 2 * rank)) {
    napi_throw_range_error(env, nullptr, "normfree-native: stridedCopy supports ranks 1-8");
    return nullptr;
  }
  int64_t v[3];
  for (int i = 0; i < 3; ++i)
    if (!int64Of(env, args.values[2 + i], &v[i])) return nullptr;
  const int elementBytes = static_cast<int>(v[2]);
  int64_t strides[8];
  int64_t count = 1, extent = 1;
  for (int d = 0; d < rank; ++d) {
    strides[d] = dims[1 + rank + d];
    count *= dims[1 + d];
    extent += static_cast<int64_t>(dims[1 + d] - 1) * strides[d];
  }
  if (count == 0) return nullptr;
  if (v[0] < 0 || v[1] < 0 || static_cast<uint64_t>(v[0] + extent * elementBytes) > heapLength ||
      static_cast<uint64_t>(v[1] + count * elementBytes) > heapLength) {
    napi_throw_range_error(env, nullptr, "normfree-native: tensor lies outside the wasm heap");
    return nullptr;
  }
  normfree::stridedCopy(rank, dims + 1, strides, heap + v[0], heap + v[1], elementBytes);
  return nullptr;
}

// binary(heap, op, dims: Int32Array [rank, shape…, aStrides…, bStrides…], aOffset, bOffset, outOffset)
napi_value Binary(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 6)) return nullptr;
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  int64_t op = 0;
  if (!int64Of(env, args.values[1], &op)) return nullptr;
  const int32_t* dims = nullptr;
  size_t length = 0;
  if (!int32ArrayOf(env, args.values[2], &dims, &length)) return nullptr;
  const int rank = length > 0 ? dims[0] : 0;
  if (rank < 1 || rank > 8 || length < static_cast<size_t>(1 + 3 * rank) || op < 0 || op > 3) {
    napi_throw_range_error(env, nullptr, "normfree-native: binary supports ranks 1-8 and ops 0-3");
    return nullptr;
  }
  int64_t v[3];
  for (int i = 0; i < 3; ++i)
    if (!int64Of(env, args.values[3 + i], &v[i])) return nullptr;
  int64_t count = 1, aExtent = 1, bExtent = 1;
  for (int d = 0; d < rank; ++d) {
    count *= dims[1 + d];
    aExtent += static_cast<int64_t>(dims[1 + d] - 1) * dims[1 + rank + d];
    bExtent += static_cast<int64_t>(dims[1 + d] - 1) * dims[1 + 2 * rank + d];
  }
  float *a = nullptr, *b = nullptr, *out = nullptr;
  if (!floatsAt(env, heap, heapLength, v[0], aExtent, &a)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[1], bExtent, &b)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[2], count, &out)) return nullptr;
  normfree::broadcastBinary(static_cast<normfree::BinaryOp>(op), rank, dims + 1, dims + 1 + rank, dims + 1 + 2 * rank, a, b, out);
  return nullptr;
}

// reduceSum(heap, outer, reduce, inner, xOffset, outOffset[, max])
napi_value ReduceSum(napi_env env, napi_callback_info info) {
  Args args;
  if (!readArgs(env, info, args, 6)) return nullptr;
  bool isMax = false;
  if (args.count > 6) NAPI_OK(napi_get_value_bool(env, args.values[6], &isMax));
  uint8_t* heap = nullptr;
  size_t heapLength = 0;
  if (!heapOf(env, args.values[0], &heap, &heapLength)) return nullptr;
  int64_t v[5];
  for (int i = 0; i < 5; ++i)
    if (!int64Of(env, args.values[1 + i], &v[i])) return nullptr;
  float *x = nullptr, *out = nullptr;
  if (!floatsAt(env, heap, heapLength, v[3], v[0] * v[1] * v[2], &x)) return nullptr;
  if (!floatsAt(env, heap, heapLength, v[4], v[0] * v[2], &out)) return nullptr;
  if (isMax) normfree::reduceMax(v[0], v[1], v[2], x, out);
  else normfree::reduceSum(v[0], v[1], v[2], x, out);
  return nullptr;
}

// Environments (the main thread, worker_threads) that loaded the addon; the last one to be torn down
// joins the pool's workers, so no thread outlives Node's cleanup (vitest workers, Ctrl-C, exit).
std::atomic<int> gEnvironments{0};

void cleanupEnvironment(void*) {
  if (gEnvironments.fetch_sub(1) == 1) normfree::stopThreads();
}

napi_value Init(napi_env env, napi_value exports) {
  if (napi_add_env_cleanup_hook(env, cleanupEnvironment, nullptr) == napi_ok) gEnvironments.fetch_add(1);
  struct Entry {
    const char* name;
    napi_callback callback;
  };
  const Entry entries[] = {
      {"info", Info},
      {"setSimd", SetSimd},
      {"setThreads", SetThreads},
      {"matmul", Matmul},
      {"softmaxCrossEntropy", SoftmaxCrossEntropy},
      {"softmaxCrossEntropyGrad", SoftmaxCrossEntropyGrad},
      {"unary", Unary},
      {"fused", Fused},
      {"softmaxRows", SoftmaxRows},
      {"equal", Equal},
      {"stridedCopy", StridedCopy},
      {"binary", Binary},
      {"reduceSum", ReduceSum},
  };
  for (const Entry& entry : entries) {
    napi_value function;
    if (napi_create_function(env, entry.name, NAPI_AUTO_LENGTH, entry.callback, nullptr, &function) != napi_ok) return nullptr;
    if (napi_set_named_property(env, exports, entry.name, function) != napi_ok) return nullptr;
  }
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
