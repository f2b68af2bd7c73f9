import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  countParameters,
  resolveModelConfig,
  validateModelConfig,
  type ModelConfig,
} from './model-config.js';
import { describeActivation } from './activation-spec.js';

const tiny = { vocabSize: 64, blockSize: 8, nLayer: 2, nHead: 2, nEmbd: 16 } as const;

describe('resolveModelConfig', () => {
  it("fills in the authors' defaults (paper-reference §12)", () => {
    const config = resolveModelConfig(tiny);
    expect(config).toMatchObject({
      family: 'gpt2',
      nInner: 64,
      norm: 'layernorm',
      embdDropout: 0.1,
      initStd: 0.02,
      layerNormEpsilon: 1e-5,
      tiedEmbeddings: true,
      nPositions: 8,
    });
    expect(config.activation).toEqual({ kind: 'gelu' });
  });

  it('unties the head and adds rotary options for pythia', () => {
    const config = resolveModelConfig({ ...tiny, family: 'pythia', nEmbd: 32, nHead: 2 });
    expect(config.tiedEmbeddings).toBe(false);
    expect(config.pythia).toEqual({ rotaryPct: 0.25, rotaryBase: 10000, parallelResidual: true });
  });
});

describe('validateModelConfig', () => {
  const valid = resolveModelConfig(tiny);
  const broken = (patch: Record<string, unknown>): unknown => ({ ...valid, ...patch });

  it('names both numbers when nEmbd is not divisible by nHead', () => {
    expect(() => validateModelConfig(broken({ nEmbd: 100, nHead: 3 }))).toThrow(
      'nEmbd 100 is not divisible by nHead 3',
    );
  });
  it.each([
    [{ nLayer: 0 }, 'nLayer must be a positive integer, got 0'],
    [{ vocabSize: 12.5 }, 'vocabSize must be a positive integer, got 12.5'],
    [{ norm: 'rmsnorm' }, `norm must be 'layernorm' or 'none', got "rmsnorm"`],
    [{ nPositions: 4 }, 'nPositions 4 is smaller than blockSize 8'],
    [{ embdDropout: 1 }, 'embdDropout must be a number in [0, 1), got 1'],
    [{ activation: { kind: 'leaky-relu' } }, 'activation.slope must be a finite number'],
    [{ activation: [{ kind: 'gelu' }] }, 'activation schedule has 1 entries but nLayer is 2'],
    [
      { activation: { kind: 'learnable-leaky-relu', mode: 'shared', initialSlope: 0.01 } },
      `activation.mode must be 'per-layer' or 'global', got "shared"`,
    ],
    [{ family: 'llama' }, `family must be 'gpt2' or 'pythia', got "llama"`],
  ])('rejects %j with a message naming the field', (patch, message) => {
    expect(() => validateModelConfig(broken(patch))).toThrow(ConfigError);
    expect(() => validateModelConfig(broken(patch))).toThrow(message);
  });
  it('accepts a per-layer schedule of the right length', () => {
    expect(() => validateModelConfig(broken({ activation: [{ kind: 'gelu' }, { kind: 'relu' }] }))).not.toThrow();
  });
});

describe('countParameters', () => {
  it("matches the reference fixture's trainable element count for ln_gelu (2 × 2 × 16, V 64)", () => {
    // wte 64·16 + wpe 8·16 + 2 blocks × (qk 16·32 + 32, v 256, o 256, fc 1024, proj 1024, 2 LN 64) + ln_f 32
    const config: ModelConfig = resolveModelConfig(tiny);
    expect(countParameters(config)).toBe(1024 + 128 + 2 * (512 + 32 + 256 + 256 + 1024 + 1024 + 64) + 32);
  });
});

describe('describeActivation', () => {
  it('compresses a hybrid schedule into runs', () => {
    expect(describeActivation([{ kind: 'gelu' }, { kind: 'gelu' }, { kind: 'relu' }])).toBe('gelu×2+relu');
    expect(describeActivation({ kind: 'leaky-relu', slope: 0.1 })).toBe('leaky-relu(0.1)');
  });
});
