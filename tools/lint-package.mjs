// Package lint, run in a package folder (turbo `lint`): the rules of ARCHITECTURE.md that a type
// checker cannot see.
//  1. Root entries of platform-neutral packages never import `node:` modules (style.md §15);
//     node-only code lives under src/node/ (the `./node` subpath) or in files named *.node.ts.
//  2. Libraries import @tensorflow/tfjs-core only, never the union package or a backend
//     (ARCHITECTURE rule 2); backend/cli/examples are apps and are exempt.
//  3. @normfree/plot does not import TF.js at all (rule 3).
//  4. Every package has a README.md.
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const name = pkg.name;
const apps = new Set(['@normfree/backend', '@normfree/cli', '@normfree/backend-native']);
const nodeOnlyPackages = new Set(['@normfree/cli', '@normfree/backend-native']);
const problems = [];

function walk(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.(ts|tsx|mts)$/.test(entry) && !/\.test(-d)?\.ts$/.test(entry)) out.push(path);
  }
  return out;
}

if (!existsSync('README.md')) problems.push('README.md is missing');
if (existsSync('src')) {
  for (const file of walk('src')) {
    const text = readFileSync(file, 'utf8');
    const rel = relative('.', file);
    const imports = [...text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
    const nodeOnlyFile = rel.includes('/node/') || rel.endsWith('.node.ts') || rel.includes('/testing/') || rel.endsWith('bin.ts');
    for (const spec of imports) {
      if (!nodeOnlyPackages.has(name) && !nodeOnlyFile && (spec.startsWith('node:') || ['fs', 'path', 'os', 'zlib', 'child_process', 'worker_threads'].includes(spec))) {
        problems.push(`${rel} imports '${spec}' in a browser-safe entry; move it under src/node/ or a *.node.ts file`);
      }
      if (!apps.has(name) && /^@tensorflow\/tfjs(-backend-[a-z]+|-node(-gpu)?)?$/.test(spec)) {
        problems.push(`${rel} imports '${spec}'; libraries import @tensorflow/tfjs-core only (ARCHITECTURE rule 2)`);
      }
      if (name === '@normfree/plot' && spec.startsWith('@tensorflow/')) {
        problems.push(`${rel} imports '${spec}'; @normfree/plot must not depend on TF.js (ARCHITECTURE rule 3)`);
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`${name}: ${problems.length} lint problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
