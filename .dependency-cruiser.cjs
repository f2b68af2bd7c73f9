// dependency-cruiser: no import cycles anywhere in the workspace (issue 22, item 6).
//
//   pnpm run lint:cycles        # = depcruise packages examples tools --ignore-known
//
// Every edge counts: static imports, `import type` (tsPreCompilationDeps: a type-only import is
// still a dependency a reader must follow), re-exports and dynamic `import()`, which is how
// cli's program.ts loads its commands, so a circle through `import()` is found. Workspace packages
// resolve to their sources (the `@normfree/source` export condition), so a circle that crosses
// packages is found too. The package graph itself (which package may import which, subpaths,
// publishing rules) stays in tools/lint-package.mjs, which also checks package.json files.
//
// .dependency-cruiser-known-violations.json lists the circles that were there when this check came
// in (issue 22: cli program.ts <-> commands/*.ts, experiment bench api.ts <-> torch-baseline.ts);
// the change that removes a circle removes its lines (`pnpm exec depcruise-baseline packages
// examples tools` rewrites the file), and the file should end up as `[]`.
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
