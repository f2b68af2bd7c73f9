// Fails when more than one copy (or version) of @tensorflow/tfjs-core is installed: two copies mean two
// kernel registries, and "backend was already registered" / "No backend found" (style.md §2).
// Also checks the manifests that keep it so (toolchain.md: one tfjs-core in the workspace):
// - every @tensorflow/* in a workspace package's dependencies, devDependencies or optionalDependencies
//   is exactly the installed tfjs-core's version (TF.js packages peer on tfjs-core exactly);
// - every @tensorflow/* peer range (published packages: a range such as ^4.20.0, never an exact pin;
//   tools/lint-package.mjs) accepts that version.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = process.cwd();
const store = join(root, 'node_modules', '.pnpm');
const copies = existsSync(store)
  ? readdirSync(store).filter((entry) => entry.startsWith('@tensorflow+tfjs-core@'))
  : [];
if (copies.length !== 1) {
  console.error(
    `expected exactly one @tensorflow/tfjs-core in node_modules/.pnpm, found ${copies.length}: ${copies.join(', ')}`,
  );
  process.exit(1);
}
const version = JSON.parse(
  readFileSync(join(store, copies[0], 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'), 'utf8'),
).version;

/** Does `range` (`X.Y.Z`, `^X.Y.Z`, `~X.Y.Z` or `>=X.Y.Z`) accept `candidate`? Other forms are refused, not guessed. */
function accepts(range, candidate) {
  const match = /^(\^|~|>=)?(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (match === null) return undefined;
  const [major, minor, patch] = candidate.split('.').map(Number);
  const wanted = match.slice(2).map(Number);
  const order = major - wanted[0] || minor - wanted[1] || patch - wanted[2];
  switch (match[1]) {
    case undefined:
      return order === 0;
    case '^':
      return major === wanted[0] && (major !== 0 || minor === wanted[1]) && order >= 0;
    case '~':
      return major === wanted[0] && minor === wanted[1] && order >= 0;
    default:
      return order >= 0;
  }
}

const problems = [];
for (const folder of ['packages', 'examples']) {
  const base = join(root, folder);
  if (!existsSync(base)) continue;
  for (const entry of readdirSync(base)) {
    const file = join(base, entry, 'package.json');
    if (!existsSync(file)) continue;
    const manifest = JSON.parse(readFileSync(file, 'utf8'));
    for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
      for (const [name, range] of Object.entries(manifest[field] ?? {})) {
        if (!name.startsWith('@tensorflow/')) continue;
        const where = `${folder}/${entry}/package.json ${field} '${name}': '${range}'`;
        if (field !== 'peerDependencies' && range !== version)
          problems.push(`${where} is not exactly the installed tfjs-core's ${version}`);
        if (field === 'peerDependencies') {
          const ok = accepts(range, version);
          if (ok === undefined) problems.push(`${where}: write the range as ^X.Y.Z (this check reads no other form)`);
          else if (!ok) problems.push(`${where} does not accept the installed tfjs-core ${version}`);
        }
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`@tensorflow/* versions in the workspace manifests:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `one @tensorflow/tfjs-core installed: ${version}; every workspace @tensorflow/* dependency is ${version} and every peer range accepts it`,
);
