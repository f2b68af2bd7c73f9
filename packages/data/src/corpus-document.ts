/** One file of a corpus, as read from a CodeParrot row. Only `content` is used for training. */
export interface CorpusDocument {
  /** The file's text. */
  readonly content: string;
  /** CodeParrot `path`, when the row has one. */
  readonly path?: string;
  /** CodeParrot `repo_name`, when the row has one. */
  readonly repoName?: string;
  /** CodeParrot `license`, when the row has one. */
  readonly license?: string;
}

/** Options shared by the corpus readers. */
export interface ReadCorpusOptions {
  /** The file name or URL the bytes came from, named in every error message. */
  source: string;
}

/** Picks the optional CodeParrot fields that are strings. */
export function codeParrotFields(row: Record<string, unknown>): Omit<CorpusDocument, 'content'> {
  const fields: { path?: string; repoName?: string; license?: string } = {};
  if (typeof row['path'] === 'string') fields.path = row['path'];
  if (typeof row['repo_name'] === 'string') fields.repoName = row['repo_name'];
  if (typeof row['license'] === 'string') fields.license = row['license'];
  return fields;
}
