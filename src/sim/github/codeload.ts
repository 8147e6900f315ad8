import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import type { SimRepo } from "./sim-model.js";

/**
 * The archive codeload.github.com serves for `tarball/{ref}`: gzip'd tar, every path under
 * `owner-repo-<short sha>/`, with a pax global header naming the commit, as `git archive` writes it.
 */
export async function buildTarball(repo: SimRepo, commitSha: string): Promise<Buffer> {
  const commit = repo.git.get(commitSha);
  if (commit?.type !== "commit") throw new Error(`No commit ${commitSha}`);
  const root = `${repo.owner.login}-${repo.name}-${commitSha.slice(0, 7)}`;
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk: unknown) => {
    if (Buffer.isBuffer(chunk)) chunks.push(chunk);
  });
  const finished = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const mtime = new Date(Date.parse(commit.committer.date));
  pack.entry({ name: `${root}/`, type: "directory", mode: 0o775, mtime });
  const files = [...repo.git.flatten(commit.tree)].sort(([a], [b]) => a.localeCompare(b));
  for (const [path, file] of files) {
    const blob = repo.git.get(file.sha);
    if (blob?.type !== "blob") continue;
    pack.entry({ name: `${root}/${path}`, mode: file.mode === "100755" ? 0o775 : 0o664, mtime }, blob.content);
  }
  pack.finalize();
  await finished;
  return gzipSync(Buffer.concat([paxGlobalHeader(commitSha), ...chunks]));
}

/** One ustar block of type 'g' and its records; tar-stream writes per-entry pax headers only. */
function paxGlobalHeader(commitSha: string): Buffer {
  const body = `comment=${commitSha}\n`;
  let record = `${body.length + 3} ${body}`;
  record = `${body.length + String(record.length).length + 1} ${body}`;
  const data = Buffer.from(record);
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string): void => {
    header.write(value, offset, length, "ascii");
  };
  field(0, 100, "pax_global_header");
  field(100, 8, "0000666\0");
  field(108, 8, "0000000\0");
  field(116, 8, "0000000\0");
  field(124, 12, `${data.length.toString(8).padStart(11, "0")}\0`);
  field(136, 12, "00000000000\0");
  field(156, 1, "g");
  field(257, 6, "ustar\0");
  field(263, 2, "00");
  header.fill(0x20, 148, 156);
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, "0")}\0 `);
  const padded = Buffer.alloc(Math.ceil(data.length / 512) * 512);
  data.copy(padded);
  return Buffer.concat([header, padded]);
}
