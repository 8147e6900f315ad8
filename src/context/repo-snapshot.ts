/** The repository as it is at one commit, held in memory: what the agents read and the workspace edits. */
export interface RepoFile {
  readonly path: string;
  /** Text content; null when the file is binary or too large to hand a model. */
  readonly content: string | null;
  readonly size: number;
  readonly executable: boolean;
}

export interface RepoSnapshot {
  readonly owner: string;
  readonly repo: string;
  readonly branch: string;
  readonly commitSha: string;
  readonly treeSha: string;
  readonly files: ReadonlyMap<string, RepoFile>;
}

/** Files past this size are listed in the repository map but their content is not read into memory. */
export const maxTextFileBytes = 512 * 1024;
