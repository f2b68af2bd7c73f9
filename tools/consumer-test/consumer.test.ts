/**
 * The consumer test: normfree as a user gets it from npm, not as the workspace sees it.
 *
 * Every public package (packages/* without `"private": true`) is packed with `pnpm pack` (which
 * rewrites `workspace:^` and runs each package's `prepack` build) into a folder under os.tmpdir(),
 * and the tarballs are installed with npm into empty projects there: no workspace links, no pnpm.
 * Then, in that project, every README's ```js snippet runs with node as written, every ```js browser
 * snippet and every platform-neutral entry point is bundled for the browser with esbuild, the
 * `normfree` binary reproduces the smoke preset on the prebuilt native kernels, and the packed file
 * lists and `npm publish --dry-run` are checked. What each check is for, and how long it took, is in
 * this folder's README.md.
 *
 * The tests of this file run in order and share the temporary root (removed in afterAll); every
 * command runs in its own process group, killed whole when it ends or times out.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importedPackages,
  installLine,
  packageNameOfSpec,
  readmeSnippets,
  writeSnippetFiles,
} from './readme-snippets.mjs';

const repoRoot = realpathSync(fileURLToPath(new URL('../../', import.meta.url)));
/** tools/run.sh installs the pinned pnpm here before it runs vitest. */
const pnpm = join(repoRoot, '.tools', 'node_modules', '.bin', 'pnpm');
/** The bundler the browser checks use (toolchain.md: the workspace's esbuild), installed into the test project with npm. */
const esbuildSpec = 'esbuild@0.28.2';
/** tfjs-core one minor below the workspace's: a user on 4.21 must get exactly one tfjs-core. */
const olderTfjsVersion = '4.21.0';

const minute = 60_000;

interface PublicPackage {
  /** Folder name under packages/. */
  readonly dir: string;
  readonly name: string;
  readonly readmePath: string;
  readonly readme: string;
}

const publicPackages: PublicPackage[] = readdirSync(join(repoRoot, 'packages'))
  .filter((dir) => existsSync(join(repoRoot, 'packages', dir, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(repoRoot, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
    },
  }))
  .filter(({ manifest }) => manifest.private !== true)
  .map(({ dir, manifest }) => {
    const readmePath = join(repoRoot, 'packages', dir, 'README.md');
    return { dir, name: manifest.name, readmePath, readme: readFileSync(readmePath, 'utf8') };
  });

/**
 * The entry points that must bundle for a browser (ARCHITECTURE rule 5: Node-only code sits behind
 * subpaths, so every root entry is platform-neutral), and `@normfree/backend/lean` (the browser entry
 * that imports no backend package). Not here: `@normfree/cli` (a Node program) and
 * `@normfree/backend-native` (an N-API addon); `@normfree/backend` resolves its `browser` condition.
 */
const browserEntries = [
  '@normfree/core',
  '@normfree/core/tfjs',
  '@normfree/backend',
  '@normfree/backend/lean',
  '@normfree/data',
  '@normfree/activations',
  '@normfree/transformer',
  '@normfree/entropy',
  '@normfree/trainer',
  '@normfree/plot',
  '@normfree/experiment',
];

// ---------------------------------------------------------------------------------------------
// Commands: each in its own process group, so a timeout or the end of the test leaves no process.

interface CommandResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

const running = new Set<ChildProcess>();

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // the group is already gone
  }
}

/**
 * The environment of a user's shell: this process's, without what pnpm, turbo and vitest put there
 * (npm_config_* from the workspace's settings, NODE_ENV=test, the workspace's node_modules/.bin on PATH).
 */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|VITEST|TURBO|INIT_CWD$|NODE_ENV$|NODE_OPTIONS$|NODE_PATH$)/.test(key)) continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => entry !== '' && !entry.startsWith(repoRoot))
    .join(delimiter);
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

function run(
  command: string,
  args: readonly string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? userEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      stderr += `\n[consumer test] ${command} ${args.join(' ')} killed after ${options.timeoutMs / 1000} s\n`;
      killGroup(child);
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      killGroup(child); // anything it left behind in its group (forked workers)
      running.delete(child);
      resolve({ code, signal, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

function describeFailure(what: string, result: CommandResult): string {
  const tail = (text: string) => (text.length > 6000 ? `…${text.slice(-6000)}` : text);
  return `${what}: exit ${result.code}${result.signal === null ? '' : ` (${result.signal})`} after ${result.seconds.toFixed(1)} s\n--- stderr ---\n${tail(result.stderr)}\n--- stdout ---\n${tail(result.stdout)}`;
}

/** Fails the test with the command's output unless it exited 0. */
function expectSuccess(what: string, result: CommandResult): void {
  if (result.code !== 0) expect.fail(describeFailure(what, result));
}

/** The part of esbuild's API used here (its types live in the test project, not in the workspace). */
interface Esbuild {
  build(options: {
    stdin: { contents: string; resolveDir: string; sourcefile: string; loader: 'js' };
    bundle: true;
    write: false;
    platform: 'browser';
    format: 'esm';
    target: string;
    metafile: true;
    logLevel: 'silent';
    plugins: {
      name: string;
      setup(build: {
        onResolve(
          options: { filter: RegExp },
          callback: (args: { path: string; importer: string }) => { path: string; external: boolean } | undefined,
        ): void;
      }): void;
    }[];
  }): Promise<{ metafile: { inputs: Record<string, unknown> } }>;
}

// ---------------------------------------------------------------------------------------------
// Shared state of the ordered tests below.

let root = '';
let tarballDir = '';
/** Package name → its tarball. */
const tarballs = new Map<string, string>();
/** Every non-normfree package named by a README's install line (one project serves all snippets). */
let thirdPartySpecs: string[] = [];
/** The pass-1 project: every tarball, scripts on, CXX=false. */
let project = '';
const timings: Record<string, number> = {};

/** The README whose install line alone makes pass 4's project: the broadest library example (model, data, entropy, trainer, backend). */
const installLineReadme = '@normfree/trainer';

/** A README's install line as npm arguments: the tarball for each @normfree package, the rest as written. */
function installLineSpecs(pkg: PublicPackage): string[] {
  return installLine(pkg.readme).specs.map((spec) =>
    spec.startsWith('@normfree/') ? tarballs.get(packageNameOfSpec(spec))! : spec,
  );
}

interface LaterInstall {
  dir: string;
  specs: string[];
  result: CommandResult;
}

/** The projects of passes 2-4, installed one after the other in the background while pass 1 runs its checks. */
let laterInstalls:
  | { ignoreScripts: Promise<LaterInstall>; olderTfjs: Promise<LaterInstall>; installLineOnly: Promise<LaterInstall> }
  | undefined;

function startLaterInstalls(): NonNullable<typeof laterInstalls> {
  laterInstalls ??= (() => {
    const ignoreScripts = (async () => {
      const dir = makeProject('ignore-scripts');
      const specs = [...tarballs.values(), ...thirdPartySpecs];
      return {
        dir,
        specs,
        result: await timed('install (pass 2, --ignore-scripts)', () =>
          npmInstall(dir, specs, { ignoreScripts: true }),
        ),
      };
    })();
    const olderTfjs = ignoreScripts
      .catch(() => undefined)
      .then(async () => {
        const dir = makeProject(`tfjs-${olderTfjsVersion}`);
        const specs = [
          `@tensorflow/tfjs-core@${olderTfjsVersion}`,
          `@tensorflow/tfjs-backend-cpu@${olderTfjsVersion}`,
          tarballs.get('@normfree/activations')!,
          tarballs.get('@normfree/core')!,
        ];
        return {
          dir,
          specs,
          result: await timed(`install (pass 3, tfjs ${olderTfjsVersion})`, () => npmInstall(dir, specs)),
        };
      });
    const installLineOnly = olderTfjs
      .catch(() => undefined)
      .then(async () => {
        const pkg = publicPackages.find((candidate) => candidate.name === installLineReadme)!;
        // The @normfree packages the line does not name come in as dependencies, which a user gets from
        // the registry; npm's overrides point them at their tarballs instead (none is a direct dependency).
        const named = new Set(installLine(pkg.readme).packages);
        const dir = makeProject(
          'install-line',
          Object.fromEntries(
            [...tarballs].filter(([name]) => !named.has(name)).map(([name, tarball]) => [name, `file:${tarball}`]),
          ),
        );
        const specs = installLineSpecs(pkg);
        return { dir, specs, result: await timed('install (pass 4, one install line)', () => npmInstall(dir, specs)) };
      });
    // Awaited by their tests; marked handled here so a failure before those tests is not an unhandled rejection.
    for (const install of [ignoreScripts, olderTfjs, installLineOnly]) install.catch(() => undefined);
    return { ignoreScripts, olderTfjs, installLineOnly };
  })();
  return laterInstalls;
}

function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = Date.now();
  return work().finally(() => {
    timings[label] = Math.round((Date.now() - started) / 100) / 10;
  });
}

/** An empty npm project; `overrides` (npm's field) can stand in for the registry for packages not published yet. */
function makeProject(name: string, overrides: Record<string, string> = {}): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  const manifest = {
    name: `normfree-consumer-${name}`,
    version: '1.0.0',
    private: true,
    type: 'module',
    ...(Object.keys(overrides).length > 0 ? { overrides } : {}),
  };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

function npmInstall(
  dir: string,
  specs: readonly string[],
  options: { ignoreScripts?: boolean } = {},
): Promise<CommandResult> {
  const args = [
    'install',
    '--no-audit',
    '--no-fund',
    '--loglevel=error',
    ...(options.ignoreScripts === true ? ['--ignore-scripts'] : []),
    ...specs,
  ];
  return run('npm', args, { cwd: dir, env: userEnv({ CXX: 'false' }), timeoutMs: 10 * minute });
}

/** Every version of `name` in a project's tree (`npm ls --all --json`). */
async function installedVersions(dir: string, name: string): Promise<string[]> {
  const result = await run('npm', ['ls', name, '--all', '--json'], { cwd: dir, timeoutMs: 2 * minute });
  const versions = new Set<string>();
  const walk = (node: { version?: string; dependencies?: Record<string, unknown> }, key?: string) => {
    if (key === name && node.version !== undefined) versions.add(node.version);
    for (const [childName, child] of Object.entries(node.dependencies ?? {})) walk(child as typeof node, childName);
  };
  walk(JSON.parse(result.stdout) as { dependencies?: Record<string, unknown> });
  return [...versions].sort();
}

/** The installed copy of a package in a project: a real folder from a tarball, not a link into the repository. */
function expectRealInstall(dir: string, name: string): string {
  const path = join(dir, 'node_modules', ...name.split('/'));
  expect(existsSync(path), `${name} is installed in ${dir}`).toBe(true);
  expect(lstatSync(path).isSymbolicLink(), `${path} is a symbolic link`).toBe(false);
  expect(realpathSync(path).startsWith(repoRoot + sep), `${path} resolves into the repository`).toBe(false);
  return path;
}

/** A script file in `dir` run with node there (imports resolve from the project's node_modules). */
async function runScript(dir: string, fileName: string, code: string, timeoutMs = 2 * minute): Promise<CommandResult> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, fileName), code);
  return run(process.execPath, [fileName], { cwd: dir, timeoutMs });
}

const nativeStatusScript = `import { loadAddon } from '@normfree/backend-native';
const result = loadAddon();
console.log(JSON.stringify({ loaded: result.addon !== null, path: result.path ?? null, source: result.source ?? null, reason: result.reason ?? null }));
`;

/** The native addon loads, from a prebuilt binary shipped in the tarball (no source build happened). */
async function expectPrebuiltNativeKernels(projectDir: string): Promise<void> {
  const packageDir = expectRealInstall(projectDir, '@normfree/backend-native');
  const result = await runScript(join(projectDir, 'checks'), 'native-status.mjs', nativeStatusScript);
  expectSuccess('loading @normfree/backend-native', result);
  const status = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as {
    loaded: boolean;
    path: string | null;
    source: string | null;
    reason: string | null;
  };
  expect(status, `native kernels did not load: ${status.reason}`).toMatchObject({ loaded: true, source: 'prebuilt' });
  expect(status.path, 'the addon was loaded from the prebuilt binaries').toMatch(
    /[\\/]prebuilds[\\/]linux-x64[\\/][^\\/]+\.node$/,
  );
  expect(existsSync(join(packageDir, 'build', 'Release')), 'no source build in the installed package (CXX=false)').toBe(
    false,
  );
}

beforeAll(() => {
  expect(existsSync(pnpm), `the consumer test packs with the pinned pnpm at ${pnpm} (tools/run.sh installs it)`).toBe(
    true,
  );
  root = realpathSync(mkdtempSync(join(tmpdir(), 'normfree-consumer-')));
  expect(root.startsWith(repoRoot + sep), `the temporary root ${root} must lie outside the repository`).toBe(false);
  tarballDir = join(root, 'tarballs');
  mkdirSync(tarballDir);
});

afterAll(async () => {
  for (const child of running) killGroup(child);
  if (laterInstalls !== undefined) await Promise.allSettled(Object.values(laterInstalls)); // their npm processes have exited
  if (root !== '') rmSync(root, { recursive: true, force: true });
  console.log(`[consumer test] timings (s): ${JSON.stringify(timings)}`);
});

describe('normfree as npm users get it', () => {
  it('every README follows the convention: one npm install line naming every package its snippets import', () => {
    const problems: string[] = [];
    const names = new Set(publicPackages.map((p) => p.name));
    const thirdParty = new Map<string, string>(); // package name → spec (a pinned version wins over a bare name)
    for (const pkg of publicPackages) {
      const source = `packages/${pkg.dir}/README.md`;
      try {
        const install = installLine(pkg.readme, source);
        if (!install.packages.includes(pkg.name))
          problems.push(`${source}: the install line does not name ${pkg.name}: ${install.line}`);
        for (const spec of install.specs) {
          const name = install.packages[install.specs.indexOf(spec)]!;
          if (name.startsWith('@normfree/')) {
            if (!names.has(name))
              problems.push(`${source}: the install line names ${name}, which is not a public package here`);
          } else {
            const other = thirdParty.get(name);
            if (other === undefined || other === name) thirdParty.set(name, spec);
            else if (spec !== name && spec !== other)
              problems.push(`${source}: the install line asks for ${spec}, another README for ${other}`);
          }
        }
        for (const snippet of readmeSnippets(pkg.readme, source)) {
          if (snippet.kind === 'other') continue;
          const missing = importedPackages(snippet.code).filter((name) => !install.packages.includes(name));
          if (missing.length > 0)
            problems.push(
              `${source} block ${snippet.index} (line ${snippet.line}) imports ${missing.join(', ')}, which the install line does not name: ${install.line}`,
            );
        }
      } catch (error) {
        problems.push(error instanceof Error ? error.message : String(error));
      }
    }
    thirdPartySpecs = [...thirdParty.values()].sort(); // before the verdict: the installs below still run when a README is off
    expect(problems).toEqual([]);
  });

  it('packs every public package with pnpm (prepack builds), and each tarball ships LICENSE, README.md, dist/index.js, no build info, no tests, no workspace ranges', async () => {
    expect(publicPackages.length).toBeGreaterThan(0);
    await timed('pack', async () => {
      // One at a time: the prepack builds (tsc -b) of two packages would build shared references together.
      for (const pkg of publicPackages) {
        const result = await run(pnpm, ['pack', '--pack-destination', tarballDir], {
          cwd: join(repoRoot, 'packages', pkg.dir),
          env: userEnv({ PATH: `${join(repoRoot, '.tools', 'node_modules', '.bin')}${delimiter}${userEnv().PATH}` }),
          timeoutMs: 10 * minute,
        });
        expectSuccess(`pnpm pack in packages/${pkg.dir}`, result);
        const tarball = join(
          tarballDir,
          `${pkg.name.replace(/^@/, '').replace('/', '-')}-${(JSON.parse(readFileSync(join(repoRoot, 'packages', pkg.dir, 'package.json'), 'utf8')) as { version: string }).version}.tgz`,
        );
        expect(existsSync(tarball), `pnpm pack in packages/${pkg.dir} wrote ${tarball}`).toBe(true);
        tarballs.set(pkg.name, tarball);
      }
    });
    const problems: string[] = [];
    for (const [name, tarball] of tarballs) {
      const listing = await run('tar', ['-tzf', tarball], { cwd: root, timeoutMs: minute });
      expectSuccess(`tar -tzf ${tarball}`, listing);
      const files = listing.stdout
        .split('\n')
        .filter(Boolean)
        .map((file) => file.replace(/^package\//, ''));
      for (const required of ['LICENSE', 'README.md', 'package.json', 'dist/index.js'])
        if (!files.includes(required)) problems.push(`${name}: the tarball has no ${required}`);
      for (const file of files) {
        if (/\.tsbuildinfo$/.test(file)) problems.push(`${name}: ships build info ${file}`);
        if (/\.(test|spec)(-d)?\.[cm]?[jt]sx?$|(^|\/)__(fixtures|snapshots)__\//.test(file))
          problems.push(`${name}: ships test file ${file}`);
      }
      const manifest = await run('tar', ['-xzOf', tarball, 'package/package.json'], { cwd: root, timeoutMs: minute });
      expectSuccess(`reading package.json of ${tarball}`, manifest);
      if (/"workspace:/.test(manifest.stdout))
        problems.push(`${name}: the packed package.json still has workspace: ranges`);
    }
    expect(problems).toEqual([]);
  });

  it('npm publish --dry-run accepts every tarball', async () => {
    const results = await timed('publish dry-run', () =>
      Promise.all(
        [...tarballs].map(async ([name, tarball]) => ({
          name,
          result: await run('npm', ['publish', '--dry-run', tarball], { cwd: root, timeoutMs: 2 * minute }),
        })),
      ),
    );
    for (const { name, result } of results) expectSuccess(`npm publish --dry-run of ${name}`, result);
  });

  it('installs every tarball with npm into an empty project (install scripts on, CXX=false): real folders, one tfjs-core', async () => {
    project = makeProject('project');
    const result = await timed('install (pass 1)', () =>
      npmInstall(project, [...tarballs.values(), ...thirdPartySpecs, esbuildSpec]),
    );
    expectSuccess(`npm install in ${project} (CXX=false)`, result);
    startLaterInstalls(); // npm's downloads and unpacking overlap the snippets below (2 cores, mostly idle during installs)
    for (const name of tarballs.keys()) expectRealInstall(project, name);
    expect(await installedVersions(project, '@tensorflow/tfjs-core')).toHaveLength(1);
  });

  describe.each(publicPackages.map((pkg) => [pkg.name, pkg] as const))('README of %s', (_name, pkg) => {
    it('runs every ```js snippet with node in the project', async () => {
      const source = `packages/${pkg.dir}/README.md`;
      const snippets = readmeSnippets(pkg.readme, source);
      const dir = join(project, 'snippets', pkg.dir);
      writeSnippetFiles(snippets, dir);
      const failures: string[] = [];
      await timed(`snippets ${pkg.dir}`, async () => {
        for (const snippet of snippets.filter((s) => s.kind === 'run')) {
          const result = await runScript(dir, `block-${snippet.index}.mjs`, snippet.code);
          if (result.code !== 0)
            failures.push(describeFailure(`${source} block ${snippet.index} (line ${snippet.line})`, result));
        }
      });
      expect(failures).toEqual([]);
    });
  });

  it('bundles every ```js browser snippet and every platform-neutral entry point for the browser with esbuild: no Node built-in from our code', async () => {
    // esbuild from the test project (npm-installed there), so this file needs no esbuild of its own.
    const esbuild = createRequire(join(project, 'package.json'))('esbuild') as Esbuild;
    const builtins = new Set(builtinModules);
    const entries: { label: string; contents: string }[] = browserEntries.map((entry) => ({
      label: entry,
      contents: `export * from '${entry}';\n`,
    }));
    for (const pkg of publicPackages) {
      for (const snippet of readmeSnippets(pkg.readme, pkg.readmePath)) {
        if (snippet.kind === 'browser')
          entries.push({
            label: `packages/${pkg.dir}/README.md block ${snippet.index} (line ${snippet.line})`,
            contents: snippet.code,
          });
      }
    }
    const problems: string[] = [];
    await timed('browser bundles', async () => {
      for (const entry of entries) {
        const nodeImports: string[] = [];
        try {
          const result = await esbuild.build({
            stdin: { contents: entry.contents, resolveDir: project, sourcefile: 'entry.mjs', loader: 'js' },
            bundle: true,
            write: false,
            platform: 'browser',
            format: 'esm',
            target: 'es2022',
            metafile: true,
            logLevel: 'silent',
            plugins: [
              {
                name: 'node-builtins-from-normfree',
                setup(build) {
                  build.onResolve({ filter: /.*/ }, (args) => {
                    const bare = args.path.replace(/^node:/, '').split('/')[0]!;
                    if (!args.path.startsWith('node:') && !builtins.has(bare)) return undefined;
                    if (!/[\\/]node_modules[\\/]@normfree[\\/]/.test(args.importer)) return undefined; // a dependency's: esbuild applies its browser field
                    nodeImports.push(
                      `${args.path} from ${args.importer.slice(args.importer.lastIndexOf('@normfree'))}`,
                    );
                    return { path: args.path, external: true };
                  });
                },
              },
            ],
          });
          if (nodeImports.length > 0)
            problems.push(`${entry.label} pulls Node built-ins from our code: ${nodeImports.join('; ')}`);
          if (entry.label === '@normfree/backend') {
            const inputs = Object.keys(result.metafile.inputs);
            if (!inputs.some((input) => /@normfree\/backend\/dist\/index\.browser\.js$/.test(input)))
              problems.push('@normfree/backend: the bundle did not use the browser entry (dist/index.browser.js)');
          }
        } catch (error) {
          const messages = (error as { errors?: { text: string; location?: { file: string } | null }[] }).errors;
          problems.push(
            `${entry.label} does not bundle for the browser: ${messages?.map((m) => `${m.text}${m.location ? ` (${m.location.file})` : ''}`).join('; ') ?? String(error)}`,
          );
        }
      }
    });
    expect(problems).toEqual([]);
  });

  it('npx normfree backends reports the prebuilt native kernels; npx normfree reproduce --preset smoke writes its report, trained on them', async () => {
    await expectPrebuiltNativeKernels(project);
    const backends = await run('npx', ['--no', 'normfree', 'backends', '--json'], {
      cwd: project,
      timeoutMs: 2 * minute,
    });
    expectSuccess('npx normfree backends --json', backends);
    const native = (
      JSON.parse(backends.stdout) as { native?: { available: boolean; source: string | null; reason: string } }
    ).native;
    expect(native, 'normfree backends --json reports the native kernels').toMatchObject({
      available: true,
      source: 'prebuilt',
    });
    const out = join(root, 'reproduce-smoke');
    const result = await timed('normfree reproduce smoke', () =>
      run('npx', ['--no', 'normfree', 'reproduce', '--preset', 'smoke', '--out', out, '--plain-progress'], {
        cwd: project,
        timeoutMs: 5 * minute,
      }),
    );
    expectSuccess('npx normfree reproduce --preset smoke', result);
    for (const file of ['experiment.json', 'report.md', 'report.html'])
      expect(existsSync(join(out, file)), `${out}/${file}`).toBe(true);
    const runs = readdirSync(out).filter((entry) => existsSync(join(out, entry, 'summary.json')));
    expect(runs).toHaveLength(4);
    for (const runDir of runs) {
      const summary = JSON.parse(readFileSync(join(out, runDir, 'summary.json'), 'utf8')) as {
        status: string;
        backend: string;
      };
      expect(summary.status, `${runDir}`).toBe('completed');
      expect(summary.backend, `${runDir} trained on`).toMatch(/^wasm\+native/);
    }
  });

  it('the cli README plug-in activation (```js file=squared-relu.mjs) trains with npx normfree train --activation-module', async () => {
    const cli = publicPackages.find((pkg) => pkg.name === '@normfree/cli');
    expect(cli, '@normfree/cli is a public package').toBeDefined();
    const dir = join(project, 'snippets', 'cli-plugin');
    const [pluginPath] = writeSnippetFiles(
      readmeSnippets(cli!.readme).filter(
        (s) => s.kind === 'file' && (s as { fileName?: string }).fileName === 'squared-relu.mjs',
      ),
      dir,
    );
    expect(pluginPath, 'the cli README has a ```js file=squared-relu.mjs block').toBeDefined();
    const out = join(root, 'train-plugin');
    const result = await run(
      'npx',
      [
        '--no',
        'normfree',
        'train',
        '--preset',
        'smoke',
        '--config',
        'sm-g',
        '--activation',
        'squared-relu',
        '--activation-module',
        './squared-relu.mjs',
        '--steps',
        '2',
        '--out',
        out,
        '--plain-progress',
      ],
      { cwd: dir, timeoutMs: 3 * minute },
    );
    expectSuccess('npx normfree train --activation squared-relu --activation-module ./squared-relu.mjs', result);
    expect(readFileSync(join(out, 'config.json'), 'utf8')).toContain('squared-relu');
  });

  it('a second project, npm install --ignore-scripts: the prebuilt native kernels still load and a snippet runs', async () => {
    const { dir: second, result } = await startLaterInstalls().ignoreScripts;
    expectSuccess(`npm install --ignore-scripts in ${second}`, result);
    for (const name of tarballs.keys()) expectRealInstall(second, name);
    await expectPrebuiltNativeKernels(second);
    const experiment = publicPackages.find((pkg) => pkg.name === '@normfree/experiment')!;
    const snippet = readmeSnippets(experiment.readme).find((s) => s.kind === 'run');
    expect(snippet, 'the experiment README has a ```js snippet').toBeDefined();
    const ran = await runScript(join(second, 'snippets'), 'experiment.mjs', snippet!.code);
    expectSuccess(`packages/experiment/README.md block ${snippet!.index} in the --ignore-scripts project`, ran);
    expect(ran.stdout, 'its runs trained on the native kernels').toMatch(/wasm\+native/);
  });

  it(`with @tensorflow/tfjs-core@${olderTfjsVersion} and its cpu backend installed, the activations and core tarballs add no second tfjs-core and the activations snippet works`, async () => {
    const { dir: third, specs, result } = await startLaterInstalls().olderTfjs;
    expectSuccess(`npm install ${specs.join(' ')}`, result);
    expect(await installedVersions(third, '@tensorflow/tfjs-core')).toEqual([olderTfjsVersion]);
    const activations = publicPackages.find((pkg) => pkg.name === '@normfree/activations')!;
    const snippet = readmeSnippets(activations.readme).find((s) => s.kind === 'run');
    expect(snippet, 'the activations README has a ```js snippet').toBeDefined();
    const ran = await runScript(join(third, 'snippets'), 'activations.mjs', snippet!.code);
    expectSuccess(`packages/activations/README.md block ${snippet!.index} with tfjs-core ${olderTfjsVersion}`, ran);
    expect(ran.stdout).toContain('cpu');
  });

  it(`exactly the ${installLineReadme} README's install line runs the snippets of every README whose install line it covers`, async () => {
    const { dir, specs, result } = await startLaterInstalls().installLineOnly;
    expectSuccess(`npm install ${specs.join(' ')}`, result);
    const installed = new Set(
      installLine(publicPackages.find((pkg) => pkg.name === installLineReadme)!.readme).packages,
    );
    const covered = publicPackages.filter((pkg) =>
      installLine(pkg.readme).packages.every((name) => installed.has(name)),
    );
    expect(covered.map((pkg) => pkg.name)).toContain(installLineReadme);
    const failures: string[] = [];
    await timed('snippets (pass 4)', async () => {
      for (const pkg of covered) {
        const snippets = readmeSnippets(pkg.readme);
        const snippetDir = join(dir, 'snippets', pkg.dir);
        writeSnippetFiles(snippets, snippetDir);
        for (const snippet of snippets.filter((s) => s.kind === 'run')) {
          const ran = await runScript(snippetDir, `block-${snippet.index}.mjs`, snippet.code);
          if (ran.code !== 0)
            failures.push(
              describeFailure(
                `packages/${pkg.dir}/README.md block ${snippet.index} (line ${snippet.line}) with only ${installLineReadme}'s install line`,
                ran,
              ),
            );
        }
      }
    });
    console.log(`[consumer test] pass 4 ran the snippets of ${covered.map((pkg) => pkg.name).join(', ')}`);
    expect(failures).toEqual([]);
  });
});
