import type { RepoFile, RepoSnapshot } from "../../src/context/repo-snapshot.js";

type FileSpec = string | null | { readonly content: string | null; readonly executable?: boolean; readonly size?: number };

/** A repository snapshot built by hand: path → text (null for a binary file), or the file's details. */
export function snapshotOf(files: Readonly<Record<string, FileSpec>>): RepoSnapshot {
  const entries = Object.entries(files).map(([path, spec]): [string, RepoFile] => {
    const detail = spec === null || typeof spec === "string" ? { content: spec } : spec;
    const size = "size" in detail && detail.size !== undefined ? detail.size : Buffer.byteLength(detail.content ?? "\0binary\0");
    const executable = "executable" in detail && detail.executable === true;
    return [path, { path, content: detail.content, size, executable }];
  });
  return { owner: "mona", repo: "calculator", branch: "main", commitSha: "a".repeat(40), treeSha: "b".repeat(40), files: new Map(entries) };
}
