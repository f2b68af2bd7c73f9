// The README convention of every public package, as code (tools/consumer-test/README.md):
//
//   - the "## Install" section holds exactly one ```sh block, and in it one `npm install …` line;
//   - every runnable snippet is fenced ```js: JavaScript ESM (top-level await allowed) that runs as
//     written with `node snippet.mjs` in a project where that install line was run;
//   - browser-only snippets are fenced ```js browser: bundled for the browser, not run;
//   - a module that a program or a command loads (a plug-in activation) is fenced ```js file=<name>:
//     written under <name> beside the README's programs before they run (not run on its own);
//   - fragments that are not programs (signatures, types, partial code) are ```ts or ```text.
//
// Used by consumer.test.ts and, by hand, to try a README's snippets in the workspace:
//
//   node tools/consumer-test/readme-snippets.mjs list packages/trainer/README.md
//   node tools/consumer-test/readme-snippets.mjs run packages/trainer/README.md <project dir>
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';

/**
 * @typedef {{ index: number, line: number, info: string, kind: 'run' | 'browser' | 'file' | 'other', fileName?: string, code: string }} Snippet
 *   `index` counts every fenced block of the file from 0; `line` is the 1-based line of the opening fence.
 */

/** Every fenced code block of a Markdown text, in order. */
export function fencedBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})\s*([^`]*)$/.exec(lines[i]);
    if (open === null) continue;
    const [, indent, fence, info] = open;
    const body = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`);
      if (close.test(lines[j])) break;
      body.push(lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    blocks.push({ index: blocks.length, line: i + 1, info: info.trim(), code: body.join('\n') + '\n' });
    i = j;
  }
  return blocks;
}

/**
 * The blocks that the convention gives a meaning to; throws naming a ```js block with an unknown attribute.
 * @param {string} markdown
 * @param {string} [source]
 * @returns {Snippet[]}
 */
export function readmeSnippets(markdown, source = 'README.md') {
  return fencedBlocks(markdown).map((block) => {
    const words = block.info.split(/\s+/).filter(Boolean);
    if (words[0] !== 'js') return { ...block, kind: 'other' };
    if (words.length === 1) return { ...block, kind: 'run' };
    if (words.length === 2 && words[1] === 'browser') return { ...block, kind: 'browser' };
    const file = words.length === 2 ? /^file=([\w.-]+\.m?js)$/.exec(words[1]) : null;
    if (file !== null) return { ...block, kind: 'file', fileName: file[1] };
    throw new Error(
      `${source}:${block.line}: block ${block.index} is fenced '${block.info}'; the convention knows 'js' (run with node), 'js browser' (bundled) and 'js file=<name>.mjs' (a module the programs load)`,
    );
  });
}

/**
 * The packages named by the README's install line: the one `npm install …` line of the one ```sh
 * block under "## Install". Returns the specs as written (`@tensorflow/tfjs-core@4.21.0`) and
 * their package names. Throws naming the README when the section does not follow the convention.
 * @param {string} markdown
 * @param {string} [source]
 * @returns {{ line: string, specs: string[], packages: string[] }}
 */
export function installLine(markdown, source = 'README.md') {
  const section = /^## Install[^\n]*\n([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(markdown);
  if (section === null) throw new Error(`${source}: no "## Install" section`);
  const shBlocks = fencedBlocks(section[1]).filter((block) => block.info === 'sh');
  if (shBlocks.length !== 1)
    throw new Error(`${source}: the Install section has ${shBlocks.length} \`\`\`sh blocks, expected 1`);
  const lines = shBlocks[0].code.split('\n').filter((line) => /^\s*npm install\b/.test(line));
  if (lines.length !== 1)
    throw new Error(`${source}: the Install section's sh block has ${lines.length} 'npm install' lines, expected 1`);
  const specs = lines[0]
    .replace(/#.*$/, '')
    .trim()
    .split(/\s+/)
    .slice(2)
    .filter((word) => !word.startsWith('-'));
  if (specs.length === 0) throw new Error(`${source}: the install line names no package: ${lines[0]}`);
  return { line: lines[0].trim(), specs, packages: specs.map(packageNameOfSpec) };
}

/**
 * `@scope/name@range` → `@scope/name`; `name@1.2.3` → `name`.
 * @param {string} spec
 * @returns {string}
 */
export function packageNameOfSpec(spec) {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  return at === -1 ? spec : spec.slice(0, at);
}

const nodeBuiltins = new Set(builtinModules);

/**
 * The packages a snippet imports (static, side-effect and literal dynamic imports); Node built-ins and relative paths left out.
 * @param {string} code
 * @returns {string[]}
 */
export function importedPackages(code) {
  const specifiers = new Set();
  const patterns = [
    /\b(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) specifiers.add(match[1]);
  const packages = new Set();
  for (const specifier of specifiers) {
    if (
      specifier.startsWith('.') ||
      specifier.startsWith('/') ||
      specifier.startsWith('node:') ||
      nodeBuiltins.has(specifier.split('/')[0])
    )
      continue;
    const parts = specifier.split('/');
    packages.add(specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return [...packages].sort();
}

/**
 * Writes a README's `js file=<name>` modules into `dir` (a folder inside the project, so their
 * imports resolve from its node_modules) and returns their paths.
 * @param {Snippet[]} snippets
 * @param {string} dir
 * @returns {string[]}
 */
export function writeSnippetFiles(snippets, dir) {
  mkdirSync(dir, { recursive: true });
  return snippets
    .filter((s) => s.kind === 'file')
    .map((s) => {
      const path = join(dir, s.fileName);
      writeFileSync(path, s.code);
      return path;
    });
}

/**
 * Runs one snippet as `<dir>/block-<index>.mjs` with `node`, in `dir` (a folder inside the project:
 * imports resolve from the project's node_modules, files the snippet writes land in `dir`), as a
 * user runs `node snippet.mjs` in their project.
 */
export function runSnippet(snippet, { dir, timeoutMs = 120_000, env = process.env }) {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `block-${snippet.index}.mjs`);
  writeFileSync(file, snippet.code);
  const started = Date.now();
  const result = spawnSync(process.execPath, [file], {
    cwd: dir,
    env,
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  return {
    status: result.status,
    signal: result.signal,
    stdout: result.stdout,
    stderr: result.stderr,
    seconds: (Date.now() - started) / 1000,
    error: result.error,
  };
}

// By hand: `list <README>` or `run <README> <project dir> [block index]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const [command, readmePath, projectDir, only] = process.argv.slice(2);
  const markdown = readFileSync(readmePath, 'utf8');
  const snippets = readmeSnippets(markdown, readmePath);
  if (command === 'list') {
    console.log(installLine(markdown, readmePath).line);
    for (const s of snippets)
      if (s.kind !== 'other')
        console.log(`block ${s.index} (line ${s.line}, ${s.kind}): imports ${importedPackages(s.code).join(', ')}`);
  } else if (command === 'run') {
    const workDir = mkdtempSync(join(resolve(projectDir), '.snippet-work-'));
    let failed = 0;
    try {
      writeSnippetFiles(snippets, workDir);
      for (const s of snippets) {
        if (s.kind !== 'run' || (only !== undefined && String(s.index) !== only)) continue;
        const result = runSnippet(s, { dir: workDir });
        console.log(
          `--- ${readmePath} block ${s.index} (line ${s.line}): exit ${result.status} in ${result.seconds.toFixed(1)} s`,
        );
        process.stdout.write(result.stdout);
        if (result.status !== 0) {
          failed++;
          process.stdout.write(result.stderr);
        }
      }
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
    process.exitCode = failed === 0 ? 0 : 1;
  } else {
    console.error('usage: readme-snippets.mjs list <README.md> | run <README.md> <project dir> [block index]');
    process.exitCode = 2;
  }
}
