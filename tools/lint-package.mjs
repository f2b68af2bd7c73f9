// Package lint, run in a package folder (turbo `lint`): the rules of ARCHITECTURE.md that a type
// checker cannot see.
//  1. Root entries of platform-neutral packages never import `node:` modules (style.md §15);
//     node-only code lives under src/node/ (the `./node` subpath) or in files named *.node.ts.
//     The cli, backend-native and bench are Node-only packages (`nodeOnlyPackages`).
//  2. Libraries import @tensorflow/tfjs-core only, never the union package or a backend
//     (ARCHITECTURE rule 2); backend/cli/examples are apps and are exempt.
//  3. @normfree/plot does not import TF.js at all (rule 3), and @normfree/core imports it at run time
//     only under src/tfjs/ (the `./tfjs` subpath): plot depends on core's root entry.
//  4. Every package has a README.md.
//  5. The package graph (ARCHITECTURE "Package graph", rule 1): a package imports only the @normfree
//     packages `packageGraph` allows it, and only through their exported subpaths (never
//     `@normfree/x/src/...` or `/dist/...`); its package.json `dependencies`, `peerDependencies` and
//     `optionalDependencies` name no other @normfree package. Test files (*.test.ts, *.test-d.ts,
//     __fixtures__/) may also import the package's devDependencies; test files and the package's own
//     ./testing code (src/testing/) may import `testing` subpaths, nothing else may.
//     `optionalDependencies` may also name an @normfree package in `installOnly` (installed for a
//     dependency's dynamic import, never imported by the package itself).
//  6. Publishing (every public package, i.e. not `"private": true`): a LICENSE identical to the root
//     one; `repository` (with this folder as `directory`), `homepage`, `bugs`, `engines.node` equal to
//     the root's; top-level `main`/`types` equal to the root export's, and `typesVersions` for every
//     other exported subpath (TypeScript's `moduleResolution: node` reads no `exports`); a `prepack`
//     script (so a pack builds dist/); `publishConfig.access` public; TF.js peers as ranges, never an
//     exact version (a user on another 4.x would get a second tfjs-core); `files` that cannot ship the
//     tsc build info (statically, from tsconfig.json's `tsBuildInfoFile`, and, when dist/ exists, in
//     `npm pack --dry-run`'s real file list, which must also hold LICENSE, main and types, and no
//     test files: *.test.*, __fixtures__/, __snapshots__/).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The allowed package graph, libraries bottom-up: package → the @normfree packages its source may
 * import (and list as dependencies). ARCHITECTURE.md "Package graph" draws the same table; change both.
 * Examples (`@normfree/example-*`) are apps and may import any package.
 */
const packageGraph = {
  '@normfree/core': [],
  '@normfree/backend': ['@normfree/core'],
  '@normfree/backend-native': ['@normfree/core'],
  '@normfree/data': ['@normfree/core'],
  '@normfree/activations': ['@normfree/core'],
  '@normfree/transformer': ['@normfree/core', '@normfree/activations'],
  '@normfree/entropy': ['@normfree/core'],
  '@normfree/trainer': ['@normfree/core'],
  '@normfree/plot': ['@normfree/core'],
  '@normfree/experiment': [
    '@normfree/core',
    '@normfree/backend',
    '@normfree/backend-native',
    '@normfree/data',
    '@normfree/activations',
    '@normfree/transformer',
    '@normfree/entropy',
    '@normfree/trainer',
    '@normfree/plot',
  ],
  // The benchmark times @normfree/transformer's model under @normfree/trainer's step with the run
  // settings of `normfree train` (experiment's resolveRunSettings), on the native kernels that
  // experiment enables, and the GPU benchmark trains through experiment's in-process executor.
  '@normfree/bench': [
    '@normfree/core',
    '@normfree/backend',
    '@normfree/experiment',
    '@normfree/transformer',
    '@normfree/trainer',
  ],
  // The cli is an app: ARCHITECTURE rule 2 has apps choose the backend (it reads nodeBackendNames for
  // --backend); backend-native is reached through experiment only. `prepare` and `tokenizer train`
  // are @normfree/data's corpus tools, which the cli only parses for and prints.
  '@normfree/cli': [
    '@normfree/experiment',
    '@normfree/bench',
    '@normfree/core',
    '@normfree/plot',
    '@normfree/backend',
    '@normfree/data',
  ],
};
const anyPackage = '*';

/**
 * @normfree packages a package may list in `optionalDependencies` without importing them: the cli
 * installs backend-native for experiment's dynamic import of it (native kernels when they load).
 */
const installOnly = {
  '@normfree/cli': ['@normfree/backend-native'],
};

/** The @normfree packages `name` may depend on, `*` for apps (examples), undefined when not in the graph. */
function allowedImports(name) {
  if (name.startsWith('@normfree/example-')) return anyPackage;
  return packageGraph[name];
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const name = pkg.name;
const apps = new Set(['@normfree/backend', '@normfree/cli', '@normfree/backend-native']);
const nodeOnlyPackages = new Set(['@normfree/cli', '@normfree/backend-native', '@normfree/bench']);
const problems = [];
const repositoryRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** package name → its package.json `exports` keys (`.`, `./testing`, `./assets/*`, …). */
function workspaceExports() {
  const exportsByName = new Map();
  for (const folder of ['packages', 'examples']) {
    const base = join(repositoryRoot, folder);
    if (!existsSync(base)) continue;
    for (const entry of readdirSync(base)) {
      const file = join(base, entry, 'package.json');
      if (!existsSync(file)) continue;
      const manifest = JSON.parse(readFileSync(file, 'utf8'));
      const exported = manifest.exports;
      const keys =
        exported === undefined
          ? ['.']
          : typeof exported === 'string' || !Object.keys(exported).some((key) => key.startsWith('.'))
            ? ['.']
            : Object.keys(exported);
      exportsByName.set(manifest.name, keys);
    }
  }
  return exportsByName;
}

/** Does `subpath` (`.` or `./testing`) match one of the export keys (with `*` patterns)? */
function isExported(subpath, keys) {
  return keys.some((key) => {
    if (!key.includes('*')) return key === subpath;
    const [prefix, suffix] = key.split('*');
    return subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= prefix.length + suffix.length;
  });
}

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/**
 * The module specifiers a file imports, with whether the statement is type-only (`import type`,
 * `export type`: erased, so no run-time load). Comments are removed first, so a doc comment's
 * `@example` is not an import.
 */
function importsOf(text) {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:\\'"`])\/\/.*$/gm, '$1');
  const found = [];
  for (const match of code.matchAll(/(?:^|[\s;{}])(import|export)(\s+type)?\s[^;'"`]*?\sfrom\s*['"]([^'"]+)['"]/g)) {
    found.push({ spec: match[3], typeOnly: match[2] !== undefined });
  }
  for (const match of code.matchAll(/(?:^|[\s;{}])import\s*['"]([^'"]+)['"]/g))
    found.push({ spec: match[1], typeOnly: false });
  for (const match of code.matchAll(/import\s*\(\s*['"]([^'"]+)['"]\s*\)/g))
    found.push({ spec: match[1], typeOnly: false });
  return found;
}

const isTestFile = (rel) => /\.test(-d)?\.[cm]?[jt]sx?$/.test(rel) || rel.split(/[\\/]/).includes('__fixtures__');
const isTestingCode = (rel) => rel.split(/[\\/]/).slice(0, 2).join('/') === 'src/testing';

if (!existsSync('README.md')) problems.push('README.md is missing');

// 5a. package.json: no @normfree dependency outside the graph
const allowed = allowedImports(name);
const devDependencies = new Set(Object.keys(pkg.devDependencies ?? {}));
if (allowed === undefined) {
  problems.push(
    `package.json: ${name} is not in the package graph (tools/lint-package.mjs packageGraph); add it there and to ARCHITECTURE.md "Package graph"`,
  );
} else if (allowed !== anyPackage) {
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const dependency of Object.keys(pkg[field] ?? {})) {
      if (field === 'optionalDependencies' && (installOnly[name] ?? []).includes(dependency)) continue;
      if (dependency.startsWith('@normfree/') && !allowed.includes(dependency)) {
        problems.push(
          `package.json: "${field}" lists '${dependency}', which ${name} may not depend on (package graph, ARCHITECTURE.md: ${name} → ${allowed.join(', ') || 'nothing'}); a test-only need belongs in devDependencies`,
        );
      }
    }
  }
}

if (pkg.private !== true) problems.push(...publishingProblems());

/** Rule 6: what a published tarball needs (see the header). */
function publishingProblems() {
  const found = [];
  const rootManifest = JSON.parse(readFileSync(join(repositoryRoot, 'package.json'), 'utf8'));
  const folder = relative(repositoryRoot, process.cwd()).split('\\').join('/');
  const rootLicense = readFileSync(join(repositoryRoot, 'LICENSE'), 'utf8');
  if (!existsSync('LICENSE')) found.push(`LICENSE is missing (copy the root LICENSE: cp ../../LICENSE ${folder}/)`);
  else if (readFileSync('LICENSE', 'utf8') !== rootLicense)
    found.push('LICENSE differs from the root LICENSE (copy it again: cp ../../LICENSE .)');
  const repository = pkg.repository;
  if (
    typeof repository !== 'object' ||
    repository === null ||
    repository.type !== 'git' ||
    typeof repository.url !== 'string' ||
    repository.directory !== folder
  ) {
    found.push(
      `package.json: "repository" must be {"type": "git", "url": "git+https://…", "directory": "${folder}"} (got ${JSON.stringify(repository)})`,
    );
  }
  for (const field of ['homepage', 'bugs']) {
    const value = typeof pkg[field] === 'object' && pkg[field] !== null ? pkg[field].url : pkg[field];
    if (typeof value !== 'string' || !/^https:\/\//.test(value))
      found.push(`package.json: "${field}" must be an https URL (got ${JSON.stringify(pkg[field])})`);
  }
  if (pkg.engines?.node !== rootManifest.engines?.node) {
    found.push(
      `package.json: "engines.node" must be the root's ${JSON.stringify(rootManifest.engines?.node)} (got ${JSON.stringify(pkg.engines?.node)})`,
    );
  }
  const rootExport = typeof pkg.exports?.['.'] === 'object' ? pkg.exports['.'] : undefined;
  if (rootExport !== undefined) {
    if (pkg.main !== rootExport.default)
      found.push(
        `package.json: "main" must be the root export's default ${JSON.stringify(rootExport.default)} (got ${JSON.stringify(pkg.main)})`,
      );
    if (pkg.types !== rootExport.types)
      found.push(
        `package.json: "types" must be the root export's types ${JSON.stringify(rootExport.types)} (got ${JSON.stringify(pkg.types)})`,
      );
  } else if (typeof pkg.main !== 'string' || typeof pkg.types !== 'string') {
    found.push('package.json: top-level "main" and "types" are missing');
  }
  for (const [key, target] of Object.entries(pkg.exports ?? {})) {
    if (
      key === '.' ||
      key === './package.json' ||
      key.includes('*') ||
      typeof target !== 'object' ||
      typeof target.types !== 'string'
    )
      continue;
    const mapped = pkg.typesVersions?.['*']?.[key.slice(2)];
    if (!Array.isArray(mapped) || mapped[0]?.replace(/^\.\//, '') !== target.types.replace(/^\.\//, '')) {
      found.push(
        `package.json: "typesVersions" must map '${key.slice(2)}' to ["${target.types.replace(/^\.\//, '')}"] (TypeScript's moduleResolution node reads no exports; got ${JSON.stringify(mapped)})`,
      );
    }
  }
  if (typeof pkg.scripts?.prepack !== 'string' || !/\btsc -b\b/.test(pkg.scripts.prepack))
    found.push(
      'package.json: "scripts.prepack" must build dist/ ("tsc -b"), so that a pack never ships a stale or missing dist',
    );
  if (pkg.publishConfig?.access !== 'public')
    found.push(`package.json: "publishConfig" must be {"access": "public"} (got ${JSON.stringify(pkg.publishConfig)})`);
  for (const [dependency, range] of Object.entries(pkg.peerDependencies ?? {})) {
    if (dependency.startsWith('@tensorflow/') && /^=?\d+\.\d+\.\d+$/.test(range)) {
      found.push(
        `package.json: peer '${dependency}' is pinned to exactly ${range}; use a range (e.g. ^4.20.0) so a user on another TF.js 4.x keeps one tfjs-core`,
      );
    }
  }
  found.push(...buildInfoProblems(folder));
  return found;
}

/** Glob (`*`, `**`) to a RegExp over package-relative paths, npm `files` style (a folder ships its contents). */
function globRegExp(glob) {
  const segments = glob.replace(/^\.\//, '').replace(/\/$/, '').split('/');
  let pattern = '';
  segments.forEach((segment, index) => {
    const last = index === segments.length - 1;
    if (segment === '**') pattern += last ? '.*' : '(?:.*/)?';
    else
      pattern +=
        segment
          .replace(/[.+^${}()|[\]\\]/g, '\\$&')
          .replace(/\*/g, '[^/]*')
          .replace(/\?/g, '[^/]') + (last ? '' : '/');
  });
  return new RegExp(`^${pattern}(?:/.*)?$`);
}

/** Would npm's `files` (an allow list with later `!` exclusions) ship `path`? */
function filesShip(files, path) {
  let shipped = false;
  for (const entry of files) {
    const negated = entry.startsWith('!');
    if (globRegExp(negated ? entry.slice(1) : entry).test(path)) shipped = !negated;
  }
  return shipped;
}

/** The tsc build info must not be shipped: checked on tsconfig.json + `files`, and on npm's real list when dist/ exists. */
function buildInfoProblems(folder) {
  const found = [];
  if (!Array.isArray(pkg.files))
    return ['package.json: "files" is missing (without it npm ships everything, build info included)'];
  if (existsSync('tsconfig.json')) {
    const options = JSON.parse(readFileSync('tsconfig.json', 'utf8')).compilerOptions ?? {};
    const buildInfo =
      options.tsBuildInfoFile ?? (options.outDir === undefined ? undefined : `${options.outDir}/tsconfig.tsbuildinfo`);
    if (buildInfo !== undefined && filesShip(pkg.files, relative('.', buildInfo).split('\\').join('/'))) {
      found.push(
        `package.json: "files" ships the tsc build info ${buildInfo} (tsconfig.json tsBuildInfoFile); add "!${relative('.', buildInfo)}" after "dist"`,
      );
    }
  }
  if (existsSync('dist') && process.env.NORMFREE_LINT_NO_PACK !== '1') {
    let listed;
    try {
      const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      listed = JSON.parse(output)[0].files.map((file) => file.path);
    } catch (error) {
      return [
        ...found,
        `npm pack --dry-run failed in ${folder}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      ];
    }
    const shippedBuildInfo = listed.filter((path) => /\.tsbuildinfo$/.test(basename(path)));
    if (shippedBuildInfo.length > 0)
      found.push(`npm pack would ship build info: ${shippedBuildInfo.join(', ')}; exclude it in "files"`);
    const shippedTests = listed.filter((path) =>
      /\.(test|spec)(-d)?\.[cm]?[jt]sx?$|(^|\/)__(fixtures|snapshots)__\//.test(path),
    );
    if (shippedTests.length > 0)
      found.push(
        `npm pack would ship test files: ${shippedTests.slice(0, 5).join(', ')}${shippedTests.length > 5 ? ', …' : ''}; exclude them in "files" (e.g. "!src/**/__snapshots__")`,
      );
    for (const required of ['LICENSE', 'README.md', pkg.main, pkg.types]) {
      if (typeof required === 'string' && !listed.includes(required.replace(/^\.\//, '')))
        found.push(`npm pack would not ship ${required} (built: ${existsSync(required)})`);
    }
  }
  return found;
}

if (existsSync('src')) {
  const exportsByName = workspaceExports();
  for (const file of walk('src')) {
    const text = readFileSync(file, 'utf8');
    const rel = relative('.', file).split('\\').join('/');
    const test = isTestFile(rel);
    const testing = isTestingCode(rel);
    const imports = importsOf(text);
    if (!test) {
      const nodeOnlyFile = rel.includes('/node/') || rel.endsWith('.node.ts') || testing || rel.endsWith('bin.ts');
      for (const { spec, typeOnly } of imports) {
        if (
          !nodeOnlyPackages.has(name) &&
          !nodeOnlyFile &&
          (spec.startsWith('node:') || ['fs', 'path', 'os', 'zlib', 'child_process', 'worker_threads'].includes(spec))
        ) {
          problems.push(
            `${rel} imports '${spec}' in a browser-safe entry; move it under src/node/ or a *.node.ts file`,
          );
        }
        if (!apps.has(name) && /^@tensorflow\/tfjs(-backend-[a-z]+|-node(-gpu)?)?$/.test(spec)) {
          problems.push(`${rel} imports '${spec}'; libraries import @tensorflow/tfjs-core only (ARCHITECTURE rule 2)`);
        }
        if (name === '@normfree/plot' && spec.startsWith('@tensorflow/')) {
          problems.push(`${rel} imports '${spec}'; @normfree/plot must not depend on TF.js (ARCHITECTURE rule 3)`);
        }
        if (name === '@normfree/core' && !rel.startsWith('src/tfjs/')) {
          if (spec.startsWith('@tensorflow/') && !typeOnly) {
            problems.push(
              `${rel} imports '${spec}' at run time; core's root entry loads no TF.js (plot depends on it): use \`import type\`, or move the code under src/tfjs/ (the ./tfjs subpath)`,
            );
          }
          if (spec.startsWith('.') && /(^|\/)tfjs(\/|$)/.test(spec)) {
            problems.push(
              `${rel} imports '${spec}'; only the ./tfjs subpath may reach src/tfjs/ (core's root entry loads no TF.js)`,
            );
          }
        }
      }
    }
    // 5b. every @normfree import: inside the graph, through an exported subpath
    for (const { spec } of imports) {
      const match = /^(@normfree\/[^/?]+)(\/[^?]*)?/.exec(spec);
      if (match === null) continue;
      const target = match[1];
      const subpath = match[2] === undefined ? '.' : `.${match[2]}`;
      const where = `${rel} imports '${spec}'`;
      if (subpath === './testing' && !test && !testing) {
        problems.push(
          `${where}: \`testing\` subpaths are for test files only (*.test.ts, __fixtures__/, src/testing/)`,
        );
      }
      if (target !== name && allowed !== undefined && allowed !== anyPackage && !allowed.includes(target)) {
        const devOnly = test && devDependencies.has(target);
        if (!devOnly) {
          const rule = `package graph, ARCHITECTURE.md: ${name} → ${allowed.join(', ') || 'nothing'}`;
          problems.push(
            test
              ? `${where}, which is neither allowed (${rule}) nor a devDependency of ${name}`
              : `${where}, which ${name} may not import (${rule}${devDependencies.has(target) ? `; '${target}' is a devDependency, usable in test files only` : ''})`,
          );
        }
      }
      const keys = exportsByName.get(target);
      if (keys === undefined) {
        problems.push(`${where}: no workspace package is named '${target}'`);
      } else if (!isExported(subpath, keys)) {
        problems.push(
          `${where}: '${subpath}' is not an exported subpath of ${target} (exports: ${keys.filter((key) => key !== './package.json').join(', ')}); never import another package's src/ or dist/ internals`,
        );
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`${name}: ${problems.length} lint problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
