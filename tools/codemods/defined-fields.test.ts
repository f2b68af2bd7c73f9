import { describe, expect, it } from 'vitest';
import { rewriteDefinedFields } from './defined-fields.mjs';

describe('rewriteDefinedFields', () => {
  it('rewrites the spread, merges neighbours and adds the import after the last one', () => {
    const source = [
      "import { train } from '@normfree/trainer';",
      '',
      'const run = {',
      '  steps,',
      '  ...(signal === undefined ? {} : { signal }),',
      '  ...(args.now === undefined ? {} : { now: args.now }),',
      '};',
      '',
    ].join('\n');
    const { text, rewritten } = rewriteDefinedFields(source, '@normfree/core');
    expect(rewritten).toBe(2);
    expect(text).toBe(
      [
        "import { train } from '@normfree/trainer';",
        "import { definedFields } from '@normfree/core';",
        '',
        'const run = {',
        '  steps,',
        '  ...definedFields({ signal, now: args.now }),',
        '};',
        '',
      ].join('\n'),
    );
  });

  it('joins an existing value import of the same module, single- or multi-line', () => {
    const single = rewriteDefinedFields(
      "import { createRandom } from '@normfree/core';\nconst a = { ...(x === undefined ? {} : { x }) };\n",
      '@normfree/core',
    );
    expect(single.text).toContain("import { createRandom, definedFields } from '@normfree/core';");
    const multi = rewriteDefinedFields(
      "import {\n  createRandom,\n  type Random,\n} from '@normfree/core';\nconst a = { ...(x === undefined ? {} : { x }) };\n",
      '@normfree/core',
    );
    expect(multi.text).toContain(
      "import {\n  createRandom,\n  type Random,\n  definedFields,\n} from '@normfree/core';",
    );
  });

  it('leaves spreads whose value is not the tested expression, and comments, alone', () => {
    const source = [
      'const a = { ...(source.load === undefined ? {} : { load: (step) => source.load(step) }) };',
      'const b = { ...(seed === undefined ? {} : { dropoutSeed: other }) };',
      '// the old way: ...(x === undefined ? {} : { x })',
      '',
    ].join('\n');
    expect(rewriteDefinedFields(source, '@normfree/core')).toEqual({ text: source, rewritten: 0 });
  });

  it('keeps a renamed key with the tested value', () => {
    const { text } = rewriteDefinedFields(
      'const a = { ...(seed === undefined ? {} : { dropoutSeed: seed }) };\n',
      './fields.js',
    );
    expect(text).toBe(
      "import { definedFields } from './fields.js';\nconst a = { ...definedFields({ dropoutSeed: seed }) };\n",
    );
  });
});
