import { defineConfig } from 'vitest/config';

// One vitest run over every package and example (each has its own vitest.config.ts).
export default defineConfig({
  test: {
    // tools/consumer-test: the packed packages installed with npm outside the workspace (its README).
    projects: ['packages/*', 'examples/*', 'tools/consumer-test', 'tools/codemods'],
    // 2-core CI machine: two workers, one per core.
    maxWorkers: 2,
  },
});
