import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, float32Tensor, SafetensorsError, tensorValues } from './safetensors.js';

const fixture = (name: string): Uint8Array =>
  readFileSync(fileURLToPath(new URL(`../../../fixtures/reference-tiny/${name}`, import.meta.url)));

describe('decodeSafetensors', () => {
  it('reads a file written by the reference (official safetensors + PyTorch)', () => {
    const file = decodeSafetensors(fixture('ln_gelu.safetensors'));
    const wte = file.tensors.get('transformer.wte.weight');
    expect(wte?.shape).toEqual([64, 16]);
    expect(file.metadata['stage']).toBe('init');
    expect(JSON.parse(file.metadata['config'] ?? '{}')).toMatchObject({ norm_type: 'ln', activation_function: 'gelu' });
    const values = tensorValues(wte!) as Float32Array;
    // N(0, 0.02) init: the sample std of 1024 draws lies well within 20 % of 0.02
    const std = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0) / values.length);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.004);
  });

  it('names the source and the problem for a truncated file', () => {
    const bytes = fixture('ln_gelu.safetensors');
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 100), 'ckpt.safetensors')).toThrow(
      SafetensorsError,
    );
    expect(() => decodeSafetensors(bytes.subarray(0, bytes.length - 100), 'ckpt.safetensors')).toThrow(
      /ckpt\.safetensors: tensor '.*' data .* outside/,
    );
    expect(() => decodeSafetensors(new Uint8Array(4), 'x.safetensors')).toThrow(
      'x.safetensors: file is 4 bytes, too short',
    );
  });
});

describe('encodeSafetensors', () => {
  it('round-trips tensors and metadata byte for byte', () => {
    const original = decodeSafetensors(fixture('free_learnable_lrelu.safetensors'));
    const encoded = encodeSafetensors(original.tensors, original.metadata);
    const decoded = decodeSafetensors(encoded);
    expect([...decoded.tensors.keys()]).toEqual([...original.tensors.keys()]);
    for (const [name, tensor] of original.tensors) expect(decoded.tensors.get(name)?.bytes).toEqual(tensor.bytes);
    expect(decoded.metadata).toEqual(original.metadata);
    expect(new DataView(encoded.buffer).getBigUint64(0, true) % 8n).toBe(0n);
  });

  it('rejects a tensor whose byte length does not fit its shape', () => {
    expect(() => encodeSafetensors([['w', { ...float32Tensor([1, 2, 3], [3]), shape: [4] }]])).toThrow(
      "tensor 'w': 12 bytes given, dtype F32 and shape [4] need 16",
    );
  });
});
