import { describe, expect, it } from 'vitest';
import { backendOrder } from './backend-order.js';

describe('backendOrder', () => {
  it('should return the platform defaults when nothing is preferred', () => {
    expect(backendOrder(['wasm', 'cpu'])).toEqual(['wasm', 'cpu']);
  });

  it('should put the preferred backend first without repeating it', () => {
    expect(backendOrder(['webgl', 'wasm', 'cpu'], 'wasm')).toEqual(['wasm', 'webgl', 'cpu']);
    expect(backendOrder(['wasm', 'cpu'], 'webgpu')).toEqual(['webgpu', 'wasm', 'cpu']);
  });

  it('should try only the preferred backend when strict', () => {
    expect(backendOrder(['wasm', 'cpu'], 'cpu', true)).toEqual(['cpu']);
  });

  it('should refuse strict without a preferred backend', () => {
    expect(() => backendOrder(['wasm', 'cpu'], undefined, true)).toThrow(/strict needs prefer/);
  });
});
