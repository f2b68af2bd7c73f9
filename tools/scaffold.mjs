// One-off scaffold of the package skeletons (kept for reference; rerunning only fills in missing files).
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
const TF = '4.22.0';
const tfDev = {
  '@tensorflow/tfjs-core': TF,
  '@tensorflow/tfjs': TF,
  '@tensorflow/tfjs-backend-wasm': TF,
  '@normfree/backend': 'workspace:^',
};
const packages = {
  core: {
    description: 'Shared contracts, presets and config validation for normfree',
    deps: {},
    peerOptional: true,
    dev: { '@tensorflow/tfjs-core': TF },
    refs: [],
  },
  backend: {
    description: 'Choose and initialise a TensorFlow.js backend (Node and browser)',
    deps: {
      '@tensorflow/tfjs': TF,
      '@tensorflow/tfjs-backend-wasm': TF,
      '@tensorflow/tfjs-backend-cpu': TF,
      '@tensorflow/tfjs-backend-webgl': TF,
      '@tensorflow/tfjs-backend-webgpu': TF,
    },
    optional: { webgpu: '0.6.2' },
    dev: { '@tensorflow/tfjs-core': TF },
    refs: [],
    peer: true,
  },
  data: {
    description: 'Tokenizers, CodeParrot readers, 128-token windows, batch samplers and the embedded default corpus',
    deps: {
      '@normfree/core': 'workspace:^',
      'gpt-tokenizer': '4.0.0',
      hyparquet: '1.31.5',
      'hyparquet-compressors': '1.1.2',
      fflate: '0.8.3',
    },
    dev: { '@huggingface/tokenizers': '0.2.0' },
    refs: ['core'],
    noTf: true,
  },
  activations: {
    description: 'The activation zoo: GELU, ReLU, leaky and learnable-leaky ReLU, schedules',
    deps: { '@normfree/core': 'workspace:^' },
    dev: tfDev,
    refs: ['core', 'backend'],
    peer: true,
  },
  transformer: {
    description: "GPT-2 (authors' variant) and Pythia-style decoder models with and without LayerNorm",
    deps: { '@normfree/core': 'workspace:^', '@normfree/activations': 'workspace:^' },
    dev: tfDev,
    refs: ['core', 'activations', 'backend'],
    peer: true,
  },
  entropy: {
    description: 'Attention entropy, entropic-overload bins, NaN counts and attention observers',
    deps: { '@normfree/core': 'workspace:^' },
    dev: tfDev,
    refs: ['core', 'backend'],
    peer: true,
  },
  trainer: {
    description: "The authors' AdamW, schedules, training loop, evaluation, checkpoints and run directories",
    deps: { '@normfree/core': 'workspace:^', '@normfree/entropy': 'workspace:^' },
    dev: { ...tfDev, '@normfree/transformer': 'workspace:^', '@normfree/data': 'workspace:^' },
    refs: ['core', 'entropy', 'backend', 'transformer', 'data'],
    peer: true,
  },
  plot: {
    description: 'Figures and tables of the paper from run reports (Vega-Lite specs, SVG and PNG)',
    deps: {
      '@normfree/core': 'workspace:^',
      vega: '6.4.0',
      'vega-lite': '6.4.3',
      '@resvg/resvg-js': '2.6.2',
      'dejavu-fonts-ttf': '2.37.3',
    },
    dev: {},
    refs: ['core'],
    noTf: true,
  },
  cli: {
    description: 'The normfree command: reproduce, train, report, plot-authors, bench',
    deps: {
      '@normfree/core': 'workspace:^',
      '@normfree/backend': 'workspace:^',
      '@normfree/data': 'workspace:^',
      '@normfree/activations': 'workspace:^',
      '@normfree/transformer': 'workspace:^',
      '@normfree/entropy': 'workspace:^',
      '@normfree/trainer': 'workspace:^',
      '@normfree/plot': 'workspace:^',
      '@tensorflow/tfjs-core': TF,
      commander: '14.0.3',
      'cli-progress': '3.12.0',
      zod: '4.6.7',
    },
    dev: { '@types/cli-progress': '3.11.6' },
    refs: ['core', 'backend', 'data', 'activations', 'transformer', 'entropy', 'trainer', 'plot'],
    bin: true,
  },
};
for (const [name, spec] of Object.entries(packages)) {
  const dir = `packages/${name}`;
  mkdirSync(`${dir}/src/testing`, { recursive: true });
  const pkg = {
    name: `@normfree/${name}`,
    version: '0.0.0',
    description: spec.description,
    license: 'MIT',
    type: 'module',
    sideEffects: false,
    exports: {
      '.': { '@normfree/source': './src/index.ts', types: './dist/index.d.ts', default: './dist/index.js' },
      './testing': {
        '@normfree/source': './src/testing/index.ts',
        types: './dist/testing/index.d.ts',
        default: './dist/testing/index.js',
      },
      './package.json': './package.json',
    },
    files: [
      'dist',
      'src',
      '!src/**/*.test.ts',
      '!src/**/*.test-d.ts',
      '!src/**/__fixtures__',
      'README.md',
      'CHANGELOG.md',
    ],
    scripts: {
      build: 'tsc -b',
      typecheck: 'tsc -b --noEmit false',
      test: 'vitest run',
      lint: 'node ../../tools/lint-package.mjs',
    },
    dependencies: spec.deps,
    ...(spec.optional ? { optionalDependencies: spec.optional } : {}),
    ...(spec.peer || spec.peerOptional ? { peerDependencies: { '@tensorflow/tfjs-core': TF } } : {}),
    ...(spec.peerOptional ? { peerDependenciesMeta: { '@tensorflow/tfjs-core': { optional: true } } } : {}),
    devDependencies: spec.dev,
    ...(spec.bin ? { bin: { normfree: './dist/bin.js' } } : {}),
  };
  if (!existsSync(`${dir}/package.json`)) writeFileSync(`${dir}/package.json`, JSON.stringify(pkg, null, 2) + '\n');
  const tsconfig = {
    extends: '../../tsconfig.base.json',
    compilerOptions: { rootDir: 'src', outDir: 'dist', tsBuildInfoFile: 'dist/.tsbuildinfo' },
    include: ['src'],
    exclude: ['src/**/*.test.ts', 'src/**/__fixtures__'],
    references: spec.refs.map((ref) => ({ path: `../${ref}` })),
  };
  if (!existsSync(`${dir}/tsconfig.json`))
    writeFileSync(`${dir}/tsconfig.json`, JSON.stringify(tsconfig, null, 2) + '\n');
  const vitest = spec.noTf
    ? `import { defineProject } from 'vitest/config';\nimport { sharedProject } from '../../vitest.shared.js';\n\nexport default defineProject(sharedProject({ name: '${name}', tfjs: false }));\n`
    : `import { defineProject } from 'vitest/config';\nimport { sharedProject } from '../../vitest.shared.js';\n\nexport default defineProject(sharedProject({ name: '${name}', tfjs: true }));\n`;
  if (!existsSync(`${dir}/vitest.config.ts`)) writeFileSync(`${dir}/vitest.config.ts`, vitest);
  if (!existsSync(`${dir}/src/index.ts`)) writeFileSync(`${dir}/src/index.ts`, `export {};\n`);
  if (!existsSync(`${dir}/src/testing/index.ts`)) writeFileSync(`${dir}/src/testing/index.ts`, `export {};\n`);
}
