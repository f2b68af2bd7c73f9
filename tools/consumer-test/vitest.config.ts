import { defineProject } from 'vitest/config';

// The consumer test (README.md here): packs every public package and installs the tarballs with npm
// into empty projects under os.tmpdir(). Minutes, not seconds: one test file, generous timeouts.
export default defineProject({
  test: {
    name: 'consumer-test',
    include: ['consumer.test.ts'],
    environment: 'node',
    testTimeout: 300_000,
    hookTimeout: 900_000,
  },
});
