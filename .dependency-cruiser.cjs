// dependency-cruiser: no import cycles anywhere in the workspace (issue 22, item 6).
//
//   pnpm run lint:cycles        # = depcruise packages examples tools
//
// Every edge counts: static imports, `import type` (tsPreCompilationDeps: a type-only import is
// still a dependency a reader must follow), re-exports and dynamic `import()`, which is how
// cli's program.ts loads its commands, so a circle through `import()` is found. Workspace packages
// resolve to their sources (the `@normfree/source` export condition), so a circle that crosses
// packages is found too. The package graph itself (which package may import which, subpaths,
// publishing rules) stays in tools/lint-package.mjs, which also checks package.json files.
//
// No known-violations baseline: the circles there when this check came in (issue 22: cli program.ts
// <-> commands/*.ts, bench api.ts <-> torch-baseline.ts) are gone, and a new one fails the check.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A module reaches itself again through its imports (static, type-only or import()).',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['(^|/)dist/', '(^|/)build/', '(^|/)__fixtures__/', '(^|/)node_modules/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.eslint.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['@normfree/source', 'import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
