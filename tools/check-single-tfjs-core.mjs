// Fails when more than one copy (or version) of @tensorflow/tfjs-core is installed: two copies mean two
// kernel registries, and "backend was already registered" / "No backend found" (style.md §2).
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const store = join(process.cwd(), 'node_modules', '.pnpm');
const copies = existsSync(store)
  ? readdirSync(store).filter((entry) => entry.startsWith('@tensorflow+tfjs-core@'))
  : [];
if (copies.length !== 1) {
  console.error(`expected exactly one @tensorflow/tfjs-core in node_modules/.pnpm, found ${copies.length}: ${copies.join(', ')}`);
  process.exit(1);
}
const version = JSON.parse(
  readFileSync(join(store, copies[0], 'node_modules', '@tensorflow', 'tfjs-core', 'package.json'), 'utf8'),
).version;
console.log(`one @tensorflow/tfjs-core installed: ${version}`);
