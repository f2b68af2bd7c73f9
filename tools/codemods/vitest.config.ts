import { defineProject } from 'vitest/config';

// The codemods' own tests: text in, text out, no packages involved.
export default defineProject({
  test: { name: 'codemods', include: ['*.test.ts'], environment: 'node' },
});
