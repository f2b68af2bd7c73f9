// Shared vitest project settings: every package runs its tests against the other packages' *sources*
// (no stale dist/), and packages that touch tensors get a backend and TF.js's gradients registered once.
import { fileURLToPath } from 'node:url';
import type { UserWorkspaceConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

export const workspaceAliases = [
  { find: /^@normfree\/([a-z-]+)\/testing$/, replacement: `${root}packages/$1/src/testing/index.ts` },
  { find: /^@normfree\/([a-z-]+)\/node$/, replacement: `${root}packages/$1/src/node/index.ts` },
  { find: /^@normfree\/([a-z-]+)\/tfjs$/, replacement: `${root}packages/$1/src/tfjs/index.ts` },
  { find: /^@normfree\/([a-z-]+)$/, replacement: `${root}packages/$1/src/index.ts` },
];

export interface SharedProjectOptions {
  /** Project name shown by vitest. */
  name: string;
  /** Register TF.js gradients and select the test backend (`NORMFREE_TEST_BACKEND`, default cpu). */
  tfjs: boolean;
  /** Per-test timeout in ms (default 60 s: tests run on a 2-core CI machine). */
  testTimeout?: number;
}

export function sharedProject(options: SharedProjectOptions): UserWorkspaceConfig {
  return {
    resolve: { alias: workspaceAliases },
    test: {
      name: options.name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      testTimeout: options.testTimeout ?? 60_000,
      hookTimeout: 120_000,
      setupFiles: options.tfjs ? [`${root}tools/vitest-setup-tfjs.ts`] : [],
    },
  };
}
