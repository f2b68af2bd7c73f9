// Fused and elementwise kernels on raw float buffers (see kernels.cc).
#pragma once
#include <cstdint>

namespace normfree {

enum class UnaryOp : int { Exp = 0, Tanh = 1, Erf = 2 };

/** y[i] = f(x[i]) for i < count; x and y may alias. */
void unary(UnaryOp op, int64_t count, const float* x, float* y);

/** y = softmax(x) over the last axis of a [rows, cols] buffer; x and y may alias. */
void softmaxRows(int rows, int cols, const float* x, float* y);

/**
 * loss[r] = logsumexp(logits[r]) - logits[r, labels[r]] and probs = softmax(logits), numerically stable
 * (max subtracted). A label outside [0, classes) gives loss 0 (ignored position).
 */
void softmaxCrossEntropyForward(int rows, int classes, const float* logits, const int32_t* labels, float* loss, float* probs);

/** dlogits[r] = dloss[r] · (probs[r] - onehot(labels[r])); ignored rows get 0. probs and dlogits may alias. */
void softmaxCrossEntropyBackward(int rows, int classes, const float* probs, const int32_t* labels, const float* dloss, float* dlogits);

/**
 * out[i] = (a[i] == b[i]) over a broadcast shape: element strides per axis (0 where an input is
 * broadcast). a and b are float32 or int32 (compared as such); out is one byte per element.
 */
void broadcastEqual(int rank, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides, const void* a,
                    const void* b, uint8_t* out, bool isFloat);

/**
 * Gather a strided view into a contiguous output: out (shape[rank], row-major) = in[Σ idx[d]·inStrides[d]],
 * elements of `elementBytes` bytes. Serves Transpose, Slice and SplitV.
 */
void stridedCopy(int rank, const int32_t* shape, const int64_t* inStrides, const uint8_t* in, uint8_t* out, int elementBytes);

enum class BinaryOp : int { Add = 0, Sub = 1, Mul = 2, Div = 3 };

/** out = a ∘ b over a broadcast shape (float32), element strides per axis, 0 where broadcast. */
void broadcastBinary(BinaryOp op, int rank, const int32_t* shape, const int32_t* aStrides, const int32_t* bStrides,
                     const float* a, const float* b, float* out);

/** out[o, i] = max_r x[o, r, i] for x viewed as [outer, reduce, inner]; NaN propagates. */
void reduceMax(int64_t outer, int64_t reduce, int64_t inner, const float* x, float* out);

/** out[o, i] = Σ_r x[o, r, i] for x viewed as [outer, reduce, inner]. */
void reduceSum(int64_t outer, int64_t reduce, int64_t inner, const float* x, float* out);

}  // namespace normfree

namespace normfree {

// Fused kernels of the training step (one pass instead of several TF.js kernels). Each follows the
// float operations of the composed TF.js path it replaces, in the same order, so results agree with
// it to float rounding (bit for bit where the composed path's reductions sum in the same order).

/** Exact GELU: y = x·(0.5·(1 + erf(x·√½))). x and y may alias. */
void geluErfForward(int64_t count, const float* x, float* y);

/** Its gradient: dx = dy·(Φ(x) + x·φ(x)), Φ(x) = 0.5·(1 + erf(x·√½)), φ(x) = (1/√(2π))·exp(−0.5·x²). */
void geluErfBackward(int64_t count, const float* x, const float* dy, float* dx);

/**
 * LayerNorm over the last axis of [rows, cols] with the biased variance: normed = (x − μ)·r,
 * r = 1/√(σ² + eps) (one per row, written to invStd), y = normed·gain + bias.
 */
void layerNormForward(int rows, int cols, const float* x, const float* gain, const float* bias, float epsilon, float* y,
                      float* normed, float* invStd);

/**
 * LayerNorm backward, g = dy·gain: dx = r·(g − mean(g) − normed·mean(g·normed)), dgain = Σ_rows dy·normed,
 * dbias = Σ_rows dy (column sums in row order, the same for any thread count).
 */
void layerNormBackward(int rows, int cols, const float* dy, const float* normed, const float* invStd, const float* gain,
                       float* dx, float* dgain, float* dbias);

/**
 * Causal attention probabilities from raw scores [blocks, T, T]: softmax over keys of scores/scale,
 * keys after the query replaced by the float32 minimum (exactly 0 after the softmax), as
 * softmax(scores/scale + causal bias) computes it.
 */
void causalSoftmax(int64_t blocks, int T, const float* scores, float scale, float* probs);

/** Softmax backward with a scale: out = p·(dp − Σ_cols dp·p)/scale over rows of [rows, cols]. */
void softmaxBackward(int64_t rows, int cols, const float* probs, const float* dprobs, float scale, float* out);

/** The scalars of one AdamW step, each rounded to float32 as the composed TF.js update rounds them. */
struct AdamWScalars {
  bool torchRule;      // false: transformers' AdamW (adamw-hf); true: torch.optim.AdamW
  bool decay;          // weight decay applies to this parameter
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon;
  float stepSize;      // hf: lr·√(1−β2^t)/(1−β1^t)
  float decayRate;     // hf: lr·wd
  float sqrtBias2;     // torch: √(1−β2^t)
  float lrOverBias1;   // torch: lr/(1−β1^t)
  float keep;          // torch: 1 − lr·wd
};

/**
 * One AdamW step over `count` values: the moments m' = β1·m + (1−β1)·g, v' = β2·v + (1−β2)·g², then
 * the parameter by trainer's adamw.ts rule, the same float operations in the same order (bit for bit).
 */
void adamWStep(int64_t count, const float* param, const float* first, const float* second, const float* gradient,
               const AdamWScalars& s, float* paramOut, float* firstOut, float* secondOut);

}  // namespace normfree
