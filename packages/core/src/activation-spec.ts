/**
 * How a model names its FFN activation. A spec is plain data (JSON-serialisable), so it can live in a
 * config file, a run directory and a report. `@normfree/activations` turns a spec into an activation
 * through a registry; a plug-in activation registers its own `kind` and takes any further fields.
 *
 * References: paper-reference §4 (the authors' activations), §1 Appendix D (hybrid schedules).
 */

/** Exact GELU, x·Φ(x) with erf (the authors' `ACT2FN["gelu"]`, paper-reference §2 item 5). */
export interface GeluSpec {
  readonly kind: 'gelu';
}
/** GPT-2's tanh approximation of GELU (`gelu_new`); not what the authors used. */
export interface GeluTanhSpec {
  readonly kind: 'gelu-tanh';
}
export interface ReluSpec {
  readonly kind: 'relu';
}
/** f(x) = x: the companion paper's "SM+LN" / "SM" rows (no FFN non-linearity). */
export interface IdentitySpec {
  readonly kind: 'identity';
}
/** where(x ≥ 0, x, slope·x) with a fixed slope. Always explicit: TF.js defaults alpha to 0.2. */
export interface LeakyReluSpec {
  readonly kind: 'leaky-relu';
  /** Negative slope; the authors' code attests 0.01 and 0.1 (paper-reference §4). */
  readonly slope: number;
}
/**
 * Leaky ReLU whose negative slope is a trainable scalar.
 * - `per-layer`: one slope per layer (the authors' `per_layer` mode, paper-reference §4).
 * - `global`: ONE slope shared by every layer, as the paper describes it. The authors' code's
 *   "global" mode is per-layer in effect (model_utils.py:343-344); set `authorsGlobal: true` to get
 *   exactly that (independent per-layer scalars, only layer 0's logged as "global").
 */
export interface LearnableLeakyReluSpec {
  readonly kind: 'learnable-leaky-relu';
  readonly mode: 'per-layer' | 'global';
  /** Initial slope; the authors start at 0.01 (default.yaml:28). */
  readonly initialSlope: number;
  /** Reproduce the authors' per-layer-in-effect "global" mode. Only meaningful with mode 'global'. */
  readonly authorsGlobal?: boolean;
  /**
   * Store each layer's slope as a vector of length nLayer of which only element [layer] is used,
   * exactly as the authors' `per_layer` mode does (state-dict shape (L,)). Default true for
   * `per-layer` so checkpoints match the reference state dict; the unused elements only decay.
   */
  readonly authorsVectorLayout?: boolean;
}

export type BuiltinActivationSpec =
  GeluSpec | GeluTanhSpec | ReluSpec | IdentitySpec | LeakyReluSpec | LearnableLeakyReluSpec;

/** A plug-in activation registered in `@normfree/activations` under its own kind. */
export interface CustomActivationSpec {
  readonly kind: string;
  readonly [option: string]: unknown;
}

export type ActivationSpec = BuiltinActivationSpec | CustomActivationSpec;

/**
 * One activation for every layer, or one per layer (length nLayer): the paper's future-work
 * "hybrid" idea, e.g. GELU in early layers and ReLU in later ones (paper-reference §1, Appendix D).
 */
export type ActivationSchedule = ActivationSpec | readonly ActivationSpec[];

/** The activation spec of layer `layer` under a schedule. */
export function activationForLayer(schedule: ActivationSchedule, layer: number): ActivationSpec {
  if (isActivationList(schedule)) {
    const spec = schedule[layer];
    if (spec === undefined)
      throw new RangeError(`activation schedule has ${schedule.length} entries; no entry for layer ${layer}`);
    return spec;
  }
  return schedule;
}

export function isActivationList(schedule: ActivationSchedule): schedule is readonly ActivationSpec[] {
  return Array.isArray(schedule);
}

/** Short human label: `gelu`, `leaky-relu(0.1)`, `learnable-leaky-relu(per-layer)`, `gelu×2+relu×2`. */
export function describeActivation(schedule: ActivationSchedule): string {
  const one = (spec: ActivationSpec): string => {
    if (spec.kind === 'leaky-relu') return `leaky-relu(${String((spec as LeakyReluSpec).slope)})`;
    if (spec.kind === 'learnable-leaky-relu') {
      const learnable = spec as LearnableLeakyReluSpec;
      return `learnable-leaky-relu(${learnable.mode}${learnable.authorsGlobal === true ? ', authors' : ''})`;
    }
    return spec.kind;
  };
  if (!isActivationList(schedule)) return one(schedule);
  const runs: { label: string; count: number }[] = [];
  for (const spec of schedule) {
    const label = one(spec);
    const last = runs.at(-1);
    if (last !== undefined && last.label === label) last.count += 1;
    else runs.push({ label, count: 1 });
  }
  return runs.map((run) => (run.count === 1 ? run.label : `${run.label}×${run.count}`)).join('+');
}
