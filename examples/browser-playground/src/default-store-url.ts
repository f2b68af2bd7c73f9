/**
 * Where the page finds the embedded corpus's token stores (vite.config.ts serves and emits them):
 * one store per window length of the page's presets, all prepared from the same files and split.
 */
import { getPreset } from '@normfree/core';

/** URL folder of the stores, relative to the page. */
export const defaultStoreUrlPrefix = 'default-stores/';

/** Presets offered in the page: sizes a CPU-rasterised browser can train. */
export const pagePresets = ['smoke', 'quick'] as const;
export type PagePreset = (typeof pagePresets)[number];

/** The window lengths the page's presets train at (smoke 16, quick 128). */
export const pageStoreSeqLens: readonly number[] = [
  ...new Set(pagePresets.map((name) => getPreset(name).model.blockSize)),
];

/** The URL (relative to the page) of the embedded corpus's store for a window length. */
export function defaultStoreUrl(seqLen: number): string {
  return `./${defaultStoreUrlPrefix}default-4096-t${seqLen}/`;
}
