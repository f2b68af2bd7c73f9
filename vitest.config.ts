import { defineConfig } from 'vitest/config';

// One vitest run over every package and example (each has its own vitest.config.ts).
export default defineConfig({
  test: {
    projects: ['packages/*', 'examples/*'],
    // 2-core CI machine: two workers, one per core.
    maxWorkers: 2,
  },
});
