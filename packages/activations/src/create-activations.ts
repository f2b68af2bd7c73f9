/**
 * Turn an activation schedule (one spec, or one per layer: the paper's future-work hybrid,
 * paper-reference §1 Appendix D) into one activation per layer.
 */
import {
  activationForLayer,
  checkInteger,
  createRandom,
  isActivationList,
  type ActivationSchedule,
  type NamedParameter,
} from '@normfree/core';
import type { Activation, ActivationContext, CreateActivationsOptions, LayerActivations } from './api.js';
import { getActivationFactory } from './registry.js';

/** The authors' GPT-2 state-dict prefix of layer l's activation (`transformer.h.{l}.mlp.act.`). */
export const gpt2ActivationPrefix = (layer: number): string => `transformer.h.${layer}.mlp.act.`;

/**
 * Build one activation per layer from a schedule through the registry.
 *
 * @param schedule - one spec for every layer, or an array of nLayer specs.
 * @param options.nLayer - number of layers.
 * @param options.seed - seed of the random source handed to factories (default 0).
 * @returns the layers' activations and their variables; the caller owns the set and must `dispose()` it.
 * @throws Error naming the kind (and listing the known kinds) for an unregistered kind; Error naming
 *   both numbers when a list schedule's length differs from nLayer.
 * @example
 * ```ts
 * const acts = createActivations([{ kind: 'gelu' }, { kind: 'relu' }], { nLayer: 2 }); // hybrid
 * const y = acts.layers[1]!.apply(x); // relu; caller owns y
 * acts.dispose();
 * ```
 */
export function createActivations(schedule: ActivationSchedule, options: CreateActivationsOptions): LayerActivations {
  const { nLayer } = options;
  checkInteger('createActivations: nLayer', nLayer, { min: 1 });
  if (isActivationList(schedule) && schedule.length !== nLayer) {
    throw new Error(`createActivations: activation schedule has ${schedule.length} entries but nLayer is ${nLayer}`);
  }
  const specs = Array.from({ length: nLayer }, (_, layer) => activationForLayer(schedule, layer));
  const factories = specs.map((spec) => getActivationFactory(spec)); // validate every kind before making variables
  const layerPrefix = options.layerPrefix ?? gpt2ActivationPrefix;
  const sharedPrefix = options.sharedPrefix ?? 'transformer.act.';
  const random = createRandom(options.seed ?? 0);
  const shared = new Map<string, NamedParameter>();
  const layers: Activation[] = [];
  try {
    specs.forEach((spec, layer) => {
      const context: ActivationContext = {
        layer,
        nLayer,
        random,
        layerParameterName: (localName) => `${layerPrefix(layer)}${localName}`,
        shared: (key, create) => {
          let parameter = shared.get(key);
          if (parameter === undefined) {
            parameter = create(`${sharedPrefix}${key}`);
            shared.set(key, parameter);
          }
          return parameter;
        },
      };
      layers.push(factories[layer]!(spec, context));
    });
  } catch (error) {
    for (const activation of layers) activation.dispose();
    for (const parameter of shared.values()) parameter.variable.dispose();
    throw error;
  }
  const sharedParameters = [...shared.values()];
  const parameters = [...layers.flatMap((activation) => activation.parameters), ...sharedParameters];
  return {
    layers,
    sharedParameters,
    parameters,
    slopes: () => {
      const values = layers.map((activation) => activation.slope());
      return values.every((value) => value === undefined) ? [] : values.map((value) => value ?? Number.NaN);
    },
    dispose: () => {
      for (const activation of layers) activation.dispose();
      for (const parameter of sharedParameters) parameter.variable.dispose();
    },
  };
}
