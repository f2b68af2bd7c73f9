#!/usr/bin/env node
// Codemod: rewrites `...(x === undefined ? {} : { x })` into `...definedFields({ x })` (issue 22).
//
//   node tools/codemods/defined-fields.mjs packages/data/src packages/cli/src   # rewrite in place
//   node tools/codemods/defined-fields.mjs --check packages                     # list, change nothing
//
// Only the exact pattern is rewritten: the tested expression must be the value put in the object
// (`...(options.seed === undefined ? {} : { seed: options.seed })`), so the result means the same
// (`definedFields` drops a field exactly when its value is undefined). A spread whose value differs
// from the test (`{ load: (step) => source.load!(step) }`) is left for a person. Spreads next to
// each other in one object literal become one call: `...definedFields({ signal, now: args.now })`.
// The import is added (to an existing value import of '@normfree/core' when there is one; a
// relative import of fields.js inside packages/core). Run Prettier afterwards: merged calls may be long.
import { readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const coreFieldsModule = join(repositoryRoot, 'packages/core/src/fields.js');

// An operand we accept: a name or a property path (`args.signal`, `options?.seed`, `record['x']`),
// nothing with calls or operators, so textual equality is equality of the value.
const operand = String.raw`[A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*|\[(?:'[^']*'|"[^"]*"|\d+)\])*`;
const spreadPattern = new RegExp(
  String.raw`\.\.\.\(\s*(${operand})\s*===\s*undefined\s*\?\s*\{\s*\}\s*:\s*\{\s*([A-Za-z_$][\w$]*)(?:\s*:\s*(${operand}))?\s*\}\s*\)`,
  'g',
);
const adjacentCalls = /\.\.\.definedFields\(\{ ([^{}]*?) \}\)(,\s*)\.\.\.definedFields\(\{ ([^{}]*?) \}\)/g;

/**
 * Rewrite the spreads of one source text.
 * @param {string} source - the file's text.
 * @param {string} importSpecifier - where `definedFields` comes from for this file.
 * @returns {{ text: string, rewritten: number }} the new text and how many spreads it replaced.
 */
export function rewriteDefinedFields(source, importSpecifier) {
  let rewritten = 0;
  let text = source.replace(spreadPattern, (match, tested, key, value, offset) => {
    const putValue = value ?? key;
    if (putValue !== tested || insideComment(source, offset)) return match;
    rewritten += 1;
    return `...definedFields({ ${value === undefined || value === key ? key : `${key}: ${value}`} })`;
  });
  if (rewritten === 0) return { text: source, rewritten };
  for (let previous = ''; previous !== text;) {
    previous = text;
    text = text.replace(
      adjacentCalls,
      (_match, first, _separator, second) => `...definedFields({ ${first}, ${second} })`,
    );
  }
  return { text: addImport(text, importSpecifier), rewritten };
}

/** Whether `offset` sits in a `//` comment or on a ` * ` line of a block comment (good enough for code here). */
function insideComment(source, offset) {
  const lineStart = source.lastIndexOf('\n', offset - 1) + 1;
  const before = source.slice(lineStart, offset);
  return before.includes('//') || /^\s*\*/.test(before);
}

/** `text` with `definedFields` imported from `specifier`, unless it already is. */
function addImport(text, specifier) {
  if (/\bimport\s*\{[^}]*\bdefinedFields\b[^}]*\}\s*from/.test(text)) return text;
  const quoted = String.raw`['"]${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`;
  const valueImport = new RegExp(String.raw`^import\s*\{([^}]*)\}\s*from\s*${quoted};`, 'm');
  const existing = valueImport.exec(text);
  if (existing !== null) {
    const names = existing[1].trim().replace(/,\s*$/, '');
    const multiline = existing[1].includes('\n');
    const list = multiline
      ? `{\n  ${names.replace(/\s*\n\s*/g, '\n  ')},\n  definedFields,\n}`
      : `{ ${names}, definedFields }`;
    return text.replace(valueImport, `import ${list} from '${specifier}';`);
  }
  const statement = `import { definedFields } from '${specifier}';\n`;
  const imports = [...text.matchAll(/^import\s[^;]*;[^\n]*\n/gm)];
  const last = imports.at(-1);
  if (last === undefined) {
    const afterHeader = /^(?:\/\/[^\n]*\n|#![^\n]*\n)*/.exec(text)?.[0].length ?? 0;
    return `${text.slice(0, afterHeader)}${statement}${text.slice(afterHeader)}`;
  }
  const end = (last.index ?? 0) + last[0].length;
  return `${text.slice(0, end)}${statement}${text.slice(end)}`;
}

/** The module specifier a file imports `definedFields` from. */
function importSpecifierFor(file) {
  const absolute = resolve(file);
  if (!absolute.startsWith(join(repositoryRoot, 'packages/core/src') + sep)) return '@normfree/core';
  const path = relative(dirname(absolute), coreFieldsModule).split(sep).join('/');
  return path.startsWith('.') ? path : `./${path}`;
}

/** Every .ts/.tsx/.mts/.mjs file under the given paths, skipping dist and node_modules. */
function* sourceFiles(path) {
  if (statSync(path).isFile()) {
    yield path;
    return;
  }
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name === '__fixtures__') continue;
    const child = join(path, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(child);
    else if (/\.(?:ts|tsx|mts|mjs)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield child;
  }
}

function main(argumentList) {
  const check = argumentList.includes('--check');
  const paths = argumentList.filter((argument) => argument !== '--check');
  if (paths.length === 0) {
    console.error('usage: node tools/codemods/defined-fields.mjs [--check] <file or folder>...');
    process.exit(2);
  }
  let total = 0;
  for (const path of paths) {
    for (const file of sourceFiles(path)) {
      if (resolve(file).startsWith(join(repositoryRoot, 'tools', 'codemods') + sep)) continue; // itself and its tests
      const source = readFileSync(file, 'utf8');
      const { text, rewritten } = rewriteDefinedFields(source, importSpecifierFor(file));
      if (rewritten === 0) continue;
      total += rewritten;
      console.log(`${file}: ${rewritten}`);
      if (check) continue;
      const temporary = `${file}.defined-fields-${process.pid}.tmp`;
      writeFileSync(temporary, text); // atomic: a crash leaves the old file or the new one
      renameSync(temporary, file);
    }
  }
  console.log(`${check ? 'would rewrite' : 'rewrote'} ${total} spread(s)`);
  if (check && total > 0) process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2));
}
