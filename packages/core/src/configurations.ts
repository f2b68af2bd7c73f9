/**
 * Named experiment configurations: the paper's four (Table 1) and the extensions its figures and
 * future-work section call for. A configuration fixes only `norm` and `activation`; the preset fixes
 * sizes and training. References: paper-reference §1, §9.
 */
import type { ActivationSchedule } from './activation-spec.js';
import type { NormType } from './model-config.js';

export interface ExperimentConfiguration {
  /** Stable id used on the command line and as the run folder name, e.g. `sm-ln-g`. */
  readonly id: string;
  /** Label as the paper prints it, e.g. `SM+LN+G`. */
  readonly label: string;
  readonly norm: NormType;
  /** An activation, or a function of nLayer for schedules that depend on depth. */
  readonly activation: ActivationSchedule | ((nLayer: number) => ActivationSchedule);
  readonly description: string;
}

const hybrid =
  (early: 'gelu' | 'relu', late: 'gelu' | 'relu') =>
  (nLayer: number): ActivationSchedule =>
    Array.from({ length: nLayer }, (_, layer) => ({ kind: layer < nLayer / 2 ? early : late }));

export const experimentConfigurations: readonly ExperimentConfiguration[] = [
  {
    id: 'sm-ln-g',
    label: 'SM+LN+G',
    norm: 'layernorm',
    activation: { kind: 'gelu' },
    description: 'Pre-LN, GELU (the baseline)',
  },
  { id: 'sm-ln-r', label: 'SM+LN+R', norm: 'layernorm', activation: { kind: 'relu' }, description: 'Pre-LN, ReLU' },
  { id: 'sm-g', label: 'SM+G', norm: 'none', activation: { kind: 'gelu' }, description: 'LayerNorm-free, GELU' },
  { id: 'sm-r', label: 'SM+R', norm: 'none', activation: { kind: 'relu' }, description: 'LayerNorm-free, ReLU' },
  {
    id: 'sm-lrelu-0.01',
    label: 'SM+LR(0.01)',
    norm: 'none',
    activation: { kind: 'leaky-relu', slope: 0.01 },
    description: 'LayerNorm-free, leaky ReLU, fixed slope 0.01',
  },
  {
    id: 'sm-lrelu-0.05',
    label: 'SM+LR(0.05)',
    norm: 'none',
    activation: { kind: 'leaky-relu', slope: 0.05 },
    description: 'LayerNorm-free, leaky ReLU, fixed slope 0.05 (inferred paper value)',
  },
  {
    id: 'sm-lrelu-0.1',
    label: 'SM+LR(0.1)',
    norm: 'none',
    activation: { kind: 'leaky-relu', slope: 0.1 },
    description: 'LayerNorm-free, leaky ReLU, fixed slope 0.1 (train_normfree.sh:10)',
  },
  {
    id: 'sm-lrelu-0.5',
    label: 'SM+LR(0.5)',
    norm: 'none',
    activation: { kind: 'leaky-relu', slope: 0.5 },
    description: 'LayerNorm-free, leaky ReLU, fixed slope 0.5 (inferred paper value)',
  },
  {
    id: 'sm-llr-layer',
    label: 'SM+LLR(layer)',
    norm: 'none',
    activation: { kind: 'learnable-leaky-relu', mode: 'per-layer', initialSlope: 0.01 },
    description: 'LayerNorm-free, learnable slope per layer (Figure 3a)',
  },
  {
    id: 'sm-llr-global',
    label: 'SM+LLR(global)',
    norm: 'none',
    activation: { kind: 'learnable-leaky-relu', mode: 'global', initialSlope: 0.01 },
    description: "LayerNorm-free, ONE learnable slope shared by all layers (the paper's description, Figure 3b)",
  },
  {
    id: 'sm-llr-global-authors',
    label: 'SM+LLR(global, authors)',
    norm: 'none',
    activation: { kind: 'learnable-leaky-relu', mode: 'global', initialSlope: 0.01, authorsGlobal: true },
    description: 'LayerNorm-free, the authors\' "global" mode (per-layer scalars in effect, model_utils.py:343-344)',
  },
  {
    id: 'sm-ln',
    label: 'SM+LN',
    norm: 'layernorm',
    activation: { kind: 'identity' },
    description: 'Pre-LN, identity activation (companion paper)',
  },
  {
    id: 'sm',
    label: 'SM',
    norm: 'none',
    activation: { kind: 'identity' },
    description: 'LayerNorm-free, identity activation (diverges in the companion paper)',
  },
  {
    id: 'sm-g-r',
    label: 'SM+G→R',
    norm: 'none',
    activation: hybrid('gelu', 'relu'),
    description: 'LayerNorm-free hybrid: GELU in the first half of the layers, ReLU in the second (paper Appendix D)',
  },
  {
    id: 'sm-r-g',
    label: 'SM+R→G',
    norm: 'none',
    activation: hybrid('relu', 'gelu'),
    description: 'LayerNorm-free hybrid: ReLU first, GELU later',
  },
];

/** The paper's four configurations, in Table 2's order. */
export const paperConfigurationIds = ['sm-ln-g', 'sm-ln-r', 'sm-g', 'sm-r'] as const;

/** Look up a configuration by id; the error lists the known ids and suggests the closest. */
export function getExperimentConfiguration(id: string): ExperimentConfiguration {
  const found = experimentConfigurations.find((configuration) => configuration.id === id);
  if (found !== undefined) return found;
  const known = experimentConfigurations.map((configuration) => configuration.id);
  const suggestion = closest(id, known);
  throw new RangeError(
    `unknown configuration '${id}'${suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`}; known: ${known.join(', ')}`,
  );
}

/** Resolve a configuration's activation for a model depth. */
export function configurationActivation(configuration: ExperimentConfiguration, nLayer: number): ActivationSchedule {
  return typeof configuration.activation === 'function' ? configuration.activation(nLayer) : configuration.activation;
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0]!;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j]!;
      previous[j] = Math.min(above + 1, previous[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return previous[b.length]!;
}

/** The closest candidate within a third of the word's length, if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.ceil(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}
