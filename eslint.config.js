// ESLint for the whole workspace: typescript-eslint with type information (issue 22, item 6).
//
//   pnpm run lint:code            # every package, example and tool (after a build: packages'
//                                 # tsconfig.check.json read each other's dist/ types)
//   pnpm exec eslint packages/trainer
//
// Type information comes from the tsconfig that type-checks each file: packages/*/tsconfig.check.json
// (sources and tests), the examples' tsconfig.json, and tsconfig.eslint.json for everything else
// (tools/, package scripts, configs). Not `projectService`: it only finds files through the nearest
// tsconfig.json, and a package's tsconfig.json (the build) leaves its tests out on purpose.
//
// No bulk suppressions (the ones issue 22 started with are fixed): every file passes as it is.
// Formatting is Prettier's job (.prettierrc), import cycles dependency-cruiser's (.dependency-cruiser.cjs).
import javascript from '@eslint/js';
import globals from 'globals';
import typescript from 'typescript-eslint';

const typedProjects = [
  './packages/*/tsconfig.check.json',
  './examples/browser-playground/tsconfig.json',
  './examples/custom-activation/tsconfig.json',
  './tsconfig.eslint.json',
];

export default typescript.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/build/**',
      '**/coverage/**',
      '**/.turbo/**',
      '.tools/**',
      'fixtures/**',
      'runs/**',
      'packages/*/assets/**',
      '**/__fixtures__/**',
      'examples/browser-playground/test/*.tmp.ts',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  javascript.configs.recommended,
  typescript.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: typedProjects, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // What review kept catching by hand (issue 22): promises nobody awaits, promises passed where a
      // plain callback is expected, and a switch over a union that forgets a member.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      // Unused code is the compiler's check already (noUnusedLocals, noUnusedParameters).
      '@typescript-eslint/no-unused-vars': 'off',
      // TF.js ops are generic in their return rank, so `tf.sub(a, b) as tf.Tensor3D` both drives the
      // inference and documents the shape (style.md §3.2): not worth `tf.sub<tf.Tensor3D>(…)` everywhere.
      '@typescript-eslint/no-unnecessary-type-assertion': [
        'error',
        // (T and R: the rank-generic helpers' own type parameters, same idiom)
        {
          typesToIgnore: [
            'tf.Scalar',
            'tf.Tensor',
            'tf.Tensor1D',
            'tf.Tensor2D',
            'tf.Tensor3D',
            'tf.Tensor4D',
            'T',
            'R',
          ],
        },
      ],
      // Noise here: the job-name and path checks reject control characters with /[\x00-\x1f]/ on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // vitest's asymmetric matchers (`expect.any(Number)`, `expect.stringMatching(/…/)`) are typed `any`.
    files: ['**/*.test.ts'],
    rules: { '@typescript-eslint/no-unsafe-assignment': 'off' },
  },
  {
    // Library code is deterministic: every random draw comes from a seed (core's createRandom).
    files: ['packages/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Math', property: 'random', message: "Seed it: use createRandom(seed) from '@normfree/core'." },
      ],
    },
  },
  {
    // JavaScript files have no types to be unsafe about (allowJs without checkJs): the no-unsafe-* rules
    // would flag every value; the promise rules above still apply.
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    // Scripts and configs run in Node (TypeScript files get their globals from @types/node).
    languageOptions: { globals: globals.node },
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
