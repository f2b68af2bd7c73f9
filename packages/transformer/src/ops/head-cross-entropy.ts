/**
 * The LM head and the mean cross-entropy in one op, cut into row chunks, so that a large vocabulary
 * never holds more than one chunk of (rows, V) logits. At the paper's size (B·(T−1) = 1,016 rows,
 * V = 50,257) the unfused path held, until the end of the backward pass, the logits, their softmax,
 * the one-hot, (softmax − one-hot), its scaled copy (5 × 204 MB), the transposed head weight, its
 * gradient and that gradient's transpose (3 × 154 MB), and the wasm backend's 4 GB heap ran out
 * (docs/performance.md, "The paper's sizes on CPU").
 *
 * Forward, per chunk of rows: logits = states @ Wᵀ, then −log p[label] as in `crossEntropy` (the
 * log-sum-exp form from the Softmax kernel's p_max). Nothing of size (rows, V) is saved.
 * Backward, per chunk: the logits are recomputed (one more head product, ≈ 10 % of a GPT-2 124M
 * step), dlogits = (softmax − onehot)·dy/N, dStates = dlogits @ W and dW += dlogitsᵀ @ states.
 * When all rows fit in one chunk (small vocabularies, e.g. the 4,096 of the embedded tokenizer)
 * the forward's softmax is saved instead and nothing is recomputed, as `crossEntropy` does.
 *
 * Products are 2-D; transposed operands go through `product2dT` (flags where the backend has fast
 * transposed products, explicit transposes elsewhere: ops/matmul.ts).
 * References: cross-entropy.ts (the per-row formula), paper-reference §3.6 (logits = x @ wteᵀ).
 */
import * as tf from '@tensorflow/tfjs-core';
import { customOp, hasFusedKernel, runFusedKernel } from '@normfree/core/tfjs';
import { product2d, product2dT } from './matmul.js';
import { checkInteger } from '@normfree/core';

/** Logit values per chunk: 2^24 float32 = 64 MiB (332 rows at V = 50,257). */
const chunkValues = 2 ** 24;

/** Row ranges [start, start + size) of at most `rows` rows each. */
function chunks(count: number, rows: number): Array<{ start: number; size: number }> {
  const ranges: Array<{ start: number; size: number }> = [];
  for (let start = 0; start < count; start += rows) ranges.push({ start, size: Math.min(rows, count - start) });
  return ranges;
}

/** Whether the backend has the fused softmax cross-entropy pair (`@normfree/core/tfjs`, one pass each way). */
const fusedCrossEntropy = (): boolean =>
  hasFusedKernel('softmaxCrossEntropy') && hasFusedKernel('softmaxCrossEntropyGrad');

/** Σ over rows of log p[label] for one chunk of logits, and the softmax. */
function chunkLogProbSum(logits: tf.Tensor2D, labels: tf.Tensor1D): { sum: tf.Scalar; probs: tf.Tensor2D } {
  const [count] = logits.shape;
  if (fusedCrossEntropy()) {
    const [loss, probs] = runFusedKernel('softmaxCrossEntropy', { logits, labels }) as [tf.Tensor1D, tf.Tensor2D]; // (n,) logsumexp − x[label]; (n, V)
    return { sum: tf.neg(tf.sum(loss)) as tf.Scalar, probs };
  }
  const picks = tf.stack([tf.range(0, count, 1, 'int32'), labels], 1); // (n, 2) (row, label) pairs
  const probs = tf.softmax(logits); // (n, V)
  const labelLogits = tf.gatherND(logits, picks); // (n,) x[label]
  const logProbs = tf.add(tf.sub(labelLogits, tf.max(logits, -1)), tf.log(tf.max(probs, -1))); // (n,) x[label] − max x + log p_max
  return { sum: tf.sum(logProbs) as tf.Scalar, probs };
}

/** (softmax − onehot) · scale for one chunk: the gradient of the chunk's logits. */
function chunkLogitGradient(probs: tf.Tensor2D, labels: tf.Tensor1D, scale: tf.Scalar): tf.Tensor2D {
  const [count] = probs.shape;
  if (fusedCrossEntropy()) {
    const dloss = tf.broadcastTo(tf.reshape(scale, [1]), [count]); // (n,) the same upstream gradient for every row
    return runFusedKernel('softmaxCrossEntropyGrad', { probs, labels, dloss }) as tf.Tensor2D; // (n, V) (p − onehot)·scale
  }
  const picks = tf.stack([tf.range(0, count, 1, 'int32'), labels], 1); // (n, 2)
  const oneHot = tf.scatterND(picks, tf.fill([count], 1), probs.shape); // (n, V); see cross-entropy.ts for why not tf.oneHot
  return tf.mul(tf.sub(probs, oneHot), scale); // (n, V)
}

/** Rows [start, start + size) of a 2-D or 1-D tensor (gather, not slice: see blockProducts). */
function rowsOf<T extends tf.Tensor>(x: T, start: number, size: number): T {
  return tf.gather(x, tf.range(start, start + size, 1, 'int32')) as T;
}

/** The op for a given chunk height (a custom op is a cheap wrapper; one is made per call). */
const headCrossEntropyOp = (rowsPerChunk: number) =>
  customOp(([states, weight, labels]: [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D], save) => {
    const [count, d] = states.shape;
    const [V] = weight.shape;
    const ranges = chunks(count, rowsPerChunk);
    let total: tf.Scalar;
    if (ranges.length === 1) {
      const { sum, probs } = chunkLogProbSum(product2dT(states, weight, false, true), labels); // (N, d) @ (V, d)ᵀ -> (N, V)
      save([states, weight, labels, probs]);
      total = sum;
    } else {
      save([states, weight, labels]);
      const weightT = tf.transpose(weight); // (d, V), freed when this forward's tidy ends
      const sums = ranges.map(({ start, size }) =>
        tf.tidy(
          () => chunkLogProbSum(product2d(rowsOf(states, start, size), weightT), rowsOf(labels, start, size)).sum,
        ),
      ); // (n, d) @ (d, V) -> (n, V) -> ()
      total = tf.addN(sums) as tf.Scalar;
    }
    return {
      value: tf.div(tf.neg(total), count), // () mean of −log p[label]
      gradFunc: (dy, saved) => {
        const [savedStates, savedWeight, savedLabels, savedProbs] = saved as [
          tf.Tensor2D,
          tf.Tensor2D,
          tf.Tensor1D,
          tf.Tensor2D | undefined,
        ];
        const scale = tf.div(dy, count) as tf.Scalar; // () upstream gradient of each row's term
        if (savedProbs !== undefined) {
          const dLogits = chunkLogitGradient(savedProbs, savedLabels, scale); // (N, V)
          return [
            product2d(dLogits, savedWeight), // (N, V) @ (V, d) -> (N, d)
            product2dT(dLogits, savedStates, true, false), // (N, V)ᵀ @ (N, d) -> (V, d)
            tf.zeros([count], 'int32'), // labels get none
          ];
        }
        const backwardWeightT = tf.transpose(savedWeight); // (d, V)
        const dStates: tf.Tensor2D[] = [];
        let dWeight: tf.Tensor2D = tf.zeros([V, d]); // (V, d), summed over chunks
        for (const { start, size } of ranges) {
          const [dStatesChunk, dWeightSum] = tf.tidy(() => {
            const rows = rowsOf(savedStates, start, size); // (n, d)
            const probs = tf.softmax(product2d(rows, backwardWeightT)) as tf.Tensor2D; // (n, d) @ (d, V) -> (n, V), recomputed
            const dLogits = chunkLogitGradient(probs, rowsOf(savedLabels, start, size), scale); // (n, V)
            return [product2d(dLogits, savedWeight), tf.add(dWeight, product2dT(dLogits, rows, true, false))] as [
              tf.Tensor2D,
              tf.Tensor2D,
            ]; // (n, d); (V, d) + (n, V)ᵀ @ (n, d)
          });
          dWeight.dispose();
          dWeight = dWeightSum;
          dStates.push(dStatesChunk);
        }
        backwardWeightT.dispose();
        const dStatesAll = tf.concat(dStates, 0); // (N, d)
        tf.dispose(dStates);
        return [dStatesAll, dWeight, tf.zeros([count], 'int32')];
      },
    };
  });

/**
 * Mean over rows of −log softmax(states @ weightᵀ)[label], without materialising all logits at once.
 *
 * @param states - (N, d) float32 final hidden states.
 * @param weight - (V, d) float32 head weight (GPT-2: the tied `wte`; Pythia: `embed_out`).
 * @param labels - (N,) int32 in [0, V).
 * @param options.rowsPerChunk - rows per chunk (default: as many as keep a chunk of logits at 2^24
 *   values, 64 MiB); tests set it to exercise the chunked path at small sizes.
 * @returns a scalar; caller owns it. Gradients reach `states` and `weight`.
 * @throws Error naming the shapes when they do not fit, or the labels' dtype.
 */
export function headCrossEntropy(
  states: tf.Tensor2D,
  weight: tf.Tensor2D,
  labels: tf.Tensor1D,
  options: { rowsPerChunk?: number } = {},
): tf.Scalar {
  if (labels.dtype !== 'int32') throw new Error(`headCrossEntropy: labels must be int32, got ${labels.dtype}`);
  if (states.rank !== 2 || weight.rank !== 2 || states.shape[1] !== weight.shape[1]) {
    throw new Error(
      `headCrossEntropy: expected states (N, d) and weight (V, d), got [${states.shape.join(', ')}] and [${weight.shape.join(', ')}]`,
    );
  }
  if (states.shape[0] !== labels.shape[0])
    throw new Error(`headCrossEntropy: ${states.shape[0]} rows of states but ${labels.shape[0]} labels`);
  const rowsPerChunk = options.rowsPerChunk ?? Math.max(1, Math.floor(chunkValues / weight.shape[0]));
  checkInteger('headCrossEntropy: rowsPerChunk', rowsPerChunk, { min: 1 });
  return headCrossEntropyOp(rowsPerChunk)(states, weight, labels) as tf.Scalar;
}
