// Package lint, run in a package folder (turbo `lint`): the rules of ARCHITECTURE.md that a type
// checker cannot see.
//  1. Root entries of platform-neutral packages never import `node:` modules (style.md §15);
//     node-only code lives under src/node/ (the `./node` subpath) or in files named *.node.ts.
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
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
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
    '@normfree/core', '@normfree/backend', '@normfree/backend-native', '@normfree/data', '@normfree/activations',
    '@normfree/transformer', '@normfree/entropy', '@normfree/trainer', '@normfree/plot',
  ],
  // The cli is an app: ARCHITECTURE rule 2 has apps choose the backend (it reads nodeBackendNames for
  // --backend); backend-native is reached through experiment only. `prepare` and `tokenizer train`
  // are @normfree/data's corpus tools, which the cli only parses for and prints.
  '@normfree/cli': ['@normfree/experiment', '@normfree/core', '@normfree/plot', '@normfree/backend', '@normfree/data'],
};
const anyPackage = '*';

/** The @normfree packages `name` may depend on, `*` for apps (examples), undefined when not in the graph. */
function allowedImports(name) {
  if (name.startsWith('@normfree/example-')) return anyPackage;
  return packageGraph[name];
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const name = pkg.name;
const apps = new Set(['@normfree/backend', '@normfree/cli', '@normfree/backend-native']);
const nodeOnlyPackages = new Set(['@normfree/cli', '@normfree/backend-native']);
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
      const keys = exported === undefined ? ['.'] : typeof exported === 'string' || !Object.keys(exported).some((key) => key.startsWith('.')) ? ['.'] : Object.keys(exported);
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
  for (const match of code.matchAll(/(?:^|[\s;{}])import\s*['"]([^'"]+)['"]/g)) found.push({ spec: match[1], typeOnly: false });
  for (const match of code.matchAll(/import\s*\(\s*['"]([^'"]+)['"]\s*\)/g)) found.push({ spec: match[1], typeOnly: false });
  return found;
}

const isTestFile = (rel) => /\.test(-d)?\.[cm]?[jt]sx?$/.test(rel) || rel.split(/[\\/]/).includes('__fixtures__');
const isTestingCode = (rel) => rel.split(/[\\/]/).slice(0, 2).join('/') === 'src/testing';

if (!existsSync('README.md')) problems.push('README.md is missing');

// 5a. package.json: no @normfree dependency outside the graph
const allowed = allowedImports(name);
const devDependencies = new Set(Object.keys(pkg.devDependencies ?? {}));
if (allowed === undefined) {
  problems.push(`package.json: ${name} is not in the package graph (tools/lint-package.mjs packageGraph); add it there and to ARCHITECTURE.md "Package graph"`);
} else if (allowed !== anyPackage) {
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const dependency of Object.keys(pkg[field] ?? {})) {
      if (dependency.startsWith('@normfree/') && !allowed.includes(dependency)) {
        problems.push(`package.json: "${field}" lists '${dependency}', which ${name} may not depend on (package graph, ARCHITECTURE.md: ${name} → ${allowed.join(', ') || 'nothing'}); a test-only need belongs in devDependencies`);
      }
    }
  }
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
        if (!nodeOnlyPackages.has(name) && !nodeOnlyFile && (spec.startsWith('node:') || ['fs', 'path', 'os', 'zlib', 'child_process', 'worker_threads'].includes(spec))) {
          problems.push(`${rel} imports '${spec}' in a browser-safe entry; move it under src/node/ or a *.node.ts file`);
        }
        if (!apps.has(name) && /^@tensorflow\/tfjs(-backend-[a-z]+|-node(-gpu)?)?$/.test(spec)) {
          problems.push(`${rel} imports '${spec}'; libraries import @tensorflow/tfjs-core only (ARCHITECTURE rule 2)`);
        }
        if (name === '@normfree/plot' && spec.startsWith('@tensorflow/')) {
          problems.push(`${rel} imports '${spec}'; @normfree/plot must not depend on TF.js (ARCHITECTURE rule 3)`);
        }
        if (name === '@normfree/core' && !rel.startsWith('src/tfjs/')) {
          if (spec.startsWith('@tensorflow/') && !typeOnly) {
            problems.push(`${rel} imports '${spec}' at run time; core's root entry loads no TF.js (plot depends on it): use \`import type\`, or move the code under src/tfjs/ (the ./tfjs subpath)`);
          }
          if (spec.startsWith('.') && /(^|\/)tfjs(\/|$)/.test(spec)) {
            problems.push(`${rel} imports '${spec}'; only the ./tfjs subpath may reach src/tfjs/ (core's root entry loads no TF.js)`);
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
        problems.push(`${where}: \`testing\` subpaths are for test files only (*.test.ts, __fixtures__/, src/testing/)`);
      }
      if (target !== name && allowed !== undefined && allowed !== anyPackage && !allowed.includes(target)) {
        const devOnly = test && devDependencies.has(target);
        if (!devOnly) {
          const rule = `package graph, ARCHITECTURE.md: ${name} → ${allowed.join(', ') || 'nothing'}`;
          problems.push(test
            ? `${where}, which is neither allowed (${rule}) nor a devDependency of ${name}`
            : `${where}, which ${name} may not import (${rule}${devDependencies.has(target) ? `; '${target}' is a devDependency, usable in test files only` : ''})`);
        }
      }
      const keys = exportsByName.get(target);
      if (keys === undefined) {
        problems.push(`${where}: no workspace package is named '${target}'`);
      } else if (!isExported(subpath, keys)) {
        problems.push(`${where}: '${subpath}' is not an exported subpath of ${target} (exports: ${keys.filter((key) => key !== './package.json').join(', ')}); never import another package's src/ or dist/ internals`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`${name}: ${problems.length} lint problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
