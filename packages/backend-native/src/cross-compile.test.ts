// The addon compiles and links for arm64 (aarch64: Apple Silicon's Linux VMs, Graviton), where only
// the portable scalar kernels exist (native/simd.h guards the x86 intrinsics; issue 15). Debian's
// cross compiler g++-aarch64-linux-gnu does it on an x86 machine: `npm test` installs it with
// tools/ensure-cross-gcc.sh; without it (no root, no apt-get) the test is skipped and says why.
// The sources, flags and defines come from binding.gyp, so this is the build node-gyp would run.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const crossCompiler = 'aarch64-linux-gnu-g++';
const hasCrossCompiler = spawnSync(crossCompiler, ['--version']).status === 0;
const nodeIncludes = ['/usr/include/node', join(dirname(dirname(process.execPath)), 'include', 'node')].find((dir) =>
  existsSync(join(dir, 'node_api.h')),
);
const skipReason = !hasCrossCompiler
  ? `${crossCompiler} not found: run tools/ensure-cross-gcc.sh (Debian's g++-aarch64-linux-gnu)`
  : nodeIncludes === undefined
    ? 'no Node headers (node_api.h) in /usr/include/node or next to the node binary'
    : undefined;
if (skipReason !== undefined) console.warn(`[backend-native] arm64 compile test skipped: ${skipReason}`);

interface BindingTarget {
  sources: string[];
  cflags_cc: string[];
  defines: string[];
}
const target = (JSON.parse(readFileSync(join(packageRoot, 'binding.gyp'), 'utf8')) as { targets: BindingTarget[] })
  .targets[0]!;

function compile(args: readonly string[]): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(crossCompiler, args, { cwd: packageRoot });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (status) => resolve({ status, output }));
  });
}

describe.skipIf(skipReason !== undefined)('the native sources on arm64 (aarch64, cross-compiled)', () => {
  const out = mkdtempSync(join(tmpdir(), 'normfree-aarch64-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("compile with binding.gyp's flags and link into an aarch64 N-API module", async () => {
    const flags = [
      ...target.cflags_cc,
      ...target.defines.map((define) => `-D${define}`),
      '-fPIC',
      `-I${nodeIncludes!}`,
    ];
    const objects = target.sources.map((source) => join(out, `${source.replace(/\W/g, '_')}.o`));
    const results = await Promise.all(
      target.sources.map((source, index) => compile([...flags, '-c', source, '-o', objects[index]!])),
    );
    results.forEach((result, index) =>
      expect(result.output.includes('error:') ? result.output : '', `${target.sources[index]}`).toBe(''),
    );
    expect(results.map((result) => result.status)).toEqual(target.sources.map(() => 0));

    const addon = join(out, 'normfree_native.node');
    const linked = await compile(['-shared', '-pthread', ...objects, '-o', addon]);
    expect(linked.output).toBe('');
    expect(linked.status).toBe(0);
    const elf = readFileSync(addon);
    expect(elf.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
    expect(elf.readUInt16LE(18)).toBe(183); // e_machine EM_AARCH64
    expect(elf.includes('napi_register_module_v1')).toBe(true);
    // No x86 run-time dispatch was compiled in (libgcc's __cpu_model backs __builtin_cpu_supports on x86 only).
    expect(elf.includes('__cpu_model')).toBe(false);
  }, 180_000);
});
