// The addon loader's reasons (src/addon.ts) and the package's install script (scripts/install.mjs),
// on temporary package folders: what a user sees when the kernels are missing, and that an install
// never fails for want of a compiler (issue 15: `npm install @normfree/cli` aborted on
// `gyp ERR! not ok`).
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadAddon } from './addon.js';

const packageRoot = fileURLToPath(new URL('..', import.meta.url));
const platform = `${process.platform}-${process.arch}`;
const scratch = mkdtempSync(join(tmpdir(), 'normfree-backend-native-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A package folder as npm unpacks it (no tsconfig.json: not a repository checkout), with node-gyp-build. */
function installedCopy(name: string, options: { readonly checkout?: boolean } = {}): string {
  const root = join(scratch, name);
  mkdirSync(join(root, 'node_modules'), { recursive: true });
  for (const entry of ['package.json', 'binding.gyp', 'native', 'scripts'])
    cpSync(join(packageRoot, entry), join(root, entry), { recursive: true });
  symlinkSync(join(packageRoot, 'node_modules', 'node-gyp-build'), join(root, 'node_modules', 'node-gyp-build'), 'dir');
  if (options.checkout === true) writeFileSync(join(root, 'tsconfig.json'), '{}\n');
  return root;
}

function reasonOf(result: ReturnType<typeof loadAddon>): string {
  return result.addon === null ? result.reason : `loaded ${result.path}`;
}

describe('loadAddon says why the kernels are missing and how to get them', () => {
  it('names the platform and the npm rebuild command when an installed package has no prebuilt for it', () => {
    const reason = reasonOf(loadAddon({ root: installedCopy('no-prebuild') }));
    expect(reason).toMatch(new RegExp(`^no prebuilt addon for ${platform}`));
    expect(reason).toContain('its prebuilds: none');
    expect(reason).toContain('`npm rebuild @normfree/backend-native`');
    expect(reason).toMatch(/C\+\+17 compiler.*Python 3.*node-gyp/);
    expect(reason).not.toContain('pnpm --filter');
  });

  it('gives the workspace build command in a checkout of the repository', () => {
    const reason = reasonOf(loadAddon({ root: installedCopy('checkout', { checkout: true }) }));
    expect(reason).toMatch(new RegExp(`^no prebuilt addon for ${platform}`));
    expect(reason).toContain('`pnpm --filter @normfree/backend-native build`');
    expect(reason).not.toContain('npm rebuild');
  });

  it('reports a prebuilt binary that fails to load with the loader error', () => {
    const root = installedCopy('broken-prebuild');
    const file = join(root, 'prebuilds', platform, '@normfree+backend-native.node');
    mkdirSync(join(root, 'prebuilds', platform), { recursive: true });
    writeFileSync(file, 'not a shared object\n');
    const reason = reasonOf(loadAddon({ root }));
    expect(reason).toMatch(
      new RegExp(
        `^the prebuilt addon ${file.replace(/[.+]/g, '\\$&')} failed to load: .*(invalid ELF header|too short|not a valid|file too short)`,
      ),
    );
    expect(reason).toContain('npm rebuild @normfree/backend-native');
  });

  it('reports a source build that fails to load, and prefers it to the prebuilt (node-gyp-build order)', () => {
    const root = installedCopy('broken-build');
    mkdirSync(join(root, 'build', 'Release'), { recursive: true });
    writeFileSync(join(root, 'build', 'Release', 'normfree_native.node'), 'not a shared object\n');
    mkdirSync(join(root, 'prebuilds', platform), { recursive: true });
    writeFileSync(join(root, 'prebuilds', platform, '@normfree+backend-native.node'), 'not a shared object either\n');
    expect(reasonOf(loadAddon({ root }))).toMatch(
      /^the source build of the addon .*build\/Release\/normfree_native\.node failed to load: /,
    );
  });

  it('says NORMFREE_NATIVE=0 disabled it, before searching', () => {
    const saved = process.env['NORMFREE_NATIVE'];
    process.env['NORMFREE_NATIVE'] = '0';
    try {
      expect(reasonOf(loadAddon({ root: installedCopy('disabled') }))).toBe('disabled by NORMFREE_NATIVE=0');
    } finally {
      if (saved === undefined) delete process.env['NORMFREE_NATIVE'];
      else process.env['NORMFREE_NATIVE'] = saved;
    }
  });

  it('names a missing explicit path', () => {
    expect(reasonOf(loadAddon({ path: '/nonexistent/normfree_native.node' }))).toBe(
      'no addon at /nonexistent/normfree_native.node',
    );
  });
});

describe('the install script never fails an install', () => {
  function install(root: string, env: Record<string, string>): { status: number | null; output: string } {
    const result = spawnSync(process.execPath, [join(root, 'scripts', 'install.mjs')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, NORMFREE_NATIVE: '', ...env },
    });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  it('exits 0 without a prebuilt and without a compiler (CXX=false), after trying a source build', () => {
    const root = installedCopy('no-compiler');
    const { status, output } = install(root, { CXX: 'false', CC: 'false' });
    expect(output).toContain(`no usable prebuilt addon for ${platform}`);
    expect(output).toMatch(/native addon not built, plain wasm kernels will be used/);
    expect(status).toBe(0);
    expect(loadAddon({ root }).addon).toBeNull();
  });

  it('exits 0 and does nothing with NORMFREE_NATIVE=0', () => {
    const { status, output } = install(installedCopy('install-disabled'), { NORMFREE_NATIVE: '0', CXX: 'false' });
    expect(status).toBe(0);
    expect(output).toContain('NORMFREE_NATIVE=0');
    expect(output).not.toContain('source build');
  });

  it('does nothing in a checkout of the repository (`pnpm build` builds the addon there)', () => {
    const { status, output } = install(installedCopy('install-checkout', { checkout: true }), { CXX: 'false' });
    expect(status).toBe(0);
    expect(output).toBe('');
  });

  it('is declared explicitly, so npm and pnpm do not run their implicit `node-gyp rebuild` for binding.gyp', () => {
    const manifest = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      gypfile?: boolean;
      files: string[];
    };
    expect(manifest.scripts['install']).toBe('node scripts/install.mjs');
    expect(manifest.scripts['preinstall']).toBeUndefined();
    expect(manifest.gypfile).toBe(false);
    // What the install needs is published: the scripts it runs, the sources and binding.gyp of the fallback build, the prebuilds.
    for (const entry of [
      'scripts/install.mjs',
      'scripts/build-native.mjs',
      'scripts/node-gyp.mjs',
      'native',
      'binding.gyp',
      'prebuilds',
    ]) {
      expect(manifest.files).toContain(entry);
    }
  });
});
