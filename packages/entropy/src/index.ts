export {
  attentionRowEntropy,
  headEntropy,
  headEntropySums,
  headNanCounts,
  headFp16OverflowCounts,
  float16Max,
} from './attention-entropy.js';
export { createEntropyObserver } from './entropy-observer.js';
export type { EntropyObserver, EntropyObserverOptions, EntropyMeasurement } from './entropy-observer.js';
export { measureAttentionEntropy } from './measure-attention-entropy.js';
export type { MeasureAttentionEntropyOptions } from './measure-attention-entropy.js';
export { createEntropyProbe } from './create-entropy-probe.js';
export type { EntropyProbe, EntropyProbeOptions, EntropyProbeSchedule } from './create-entropy-probe.js';
export { overloadBins, overloadBinLabels, layerMeans, maxCausalEntropy } from './overload-bins.js';
export type { OverloadBins } from './overload-bins.js';
