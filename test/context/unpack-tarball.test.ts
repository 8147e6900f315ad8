import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { maxTextFileBytes } from "../../src/context/repo-snapshot.js";
import { TarballError, unpackTarball } from "../../src/context/unpack-tarball.js";
import { buildTarball } from "../../src/sim/github/codeload.js";
import { GitStore } from "../../src/sim/github/git-store.js";
import type { GitTreeEntry } from "../../src/sim/github/git-store.js";
import { newRepoRecord } from "../../src/sim/github/sim-world.js";

const at = "2026-01-01T00:00:00Z";
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);

/** A repository in the simulator's git store with one commit of `files`; returns the archive GitHub would serve for it. */
async function tarballOf(files: Readonly<Record<string, { content: Buffer; mode?: GitTreeEntry["mode"] }>>): Promise<Buffer> {
  const git = new GitStore();
  const flat = new Map(Object.entries(files).map(([path, f]) => [path, { sha: git.putBlob(f.content), mode: f.mode ?? "100644" }]));
  const signature = { name: "Mona", email: "mona@example.com", date: at };
  const sha = git.putCommit({ tree: git.writeTree(flat), parents: [], author: signature, committer: signature, message: "Initial commit" });
  const mona = { id: 1, login: "mona", type: "User" } as const;
  const repo = newRepoRecord({ id: 40, owner: mona, name: "calculator", defaultBranch: "main", private: false, description: null, createdAt: at, git });
  return buildTarball(repo, sha);
}

describe("unpackTarball", () => {
  it("reads GitHub's repository archive into files keyed by their path in the repository", async () => {
    const archive = await tarballOf({
      "README.md": { content: Buffer.from("# Calculator\n") },
      "src/calc.ts": { content: Buffer.from("export const add = (a: number, b: number): number => a + b;\n") },
      "src/deep/nested/unicode.md": { content: Buffer.from("naïve café — 日本語\n") },
    });

    const files = await unpackTarball(archive);

    expect([...files.keys()].sort()).toEqual(["README.md", "src/calc.ts", "src/deep/nested/unicode.md"]);
    expect(files.get("src/calc.ts")).toEqual({
      path: "src/calc.ts",
      content: "export const add = (a: number, b: number): number => a + b;\n",
      size: 60,
      executable: false,
    });
    expect(files.get("src/deep/nested/unicode.md")).toMatchObject({ content: "naïve café — 日本語\n", size: Buffer.byteLength("naïve café — 日本語\n") });
  });

  it("keeps only the size of a binary file", async () => {
    const files = await unpackTarball(await tarballOf({ "assets/logo.png": { content: PNG } }));

    expect(files.get("assets/logo.png")).toEqual({ path: "assets/logo.png", content: null, size: PNG.length, executable: false });
  });

  it("keeps only the size of a text file too large to hand a model", async () => {
    const big = Buffer.alloc(maxTextFileBytes + 1, "a");

    const files = await unpackTarball(await tarballOf({ "data/big.txt": { content: big } }));

    expect(files.get("data/big.txt")).toMatchObject({ content: null, size: maxTextFileBytes + 1 });
  });

  it("marks an executable file as executable", async () => {
    const files = await unpackTarball(await tarballOf({ "bin/run.sh": { content: Buffer.from("#!/bin/sh\necho hi\n"), mode: "100755" }, "README.md": { content: Buffer.from("hi\n") } }));

    expect(files.get("bin/run.sh")).toMatchObject({ content: "#!/bin/sh\necho hi\n", executable: true });
    expect(files.get("README.md")?.executable).toBe(false);
  });

  it("refuses input that is not gzip", async () => {
    await expect(unpackTarball(Buffer.from("<html>404 Not Found</html>"))).rejects.toThrow(TarballError);
    await expect(unpackTarball(Buffer.from("<html>404 Not Found</html>"))).rejects.toThrow("The repository archive is not valid gzip.");
  });

  it("unpacks an archive too large to inflate on the main thread", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, "a");

    const files = await unpackTarball(await tarballOf({ "data/big.txt": { content: big }, "README.md": { content: Buffer.from("hi\n") } }));

    expect(files.get("data/big.txt")).toMatchObject({ content: null, size: big.length });
    expect(files.get("README.md")).toMatchObject({ content: "hi\n" });
  });

  it("unpacks in full an archive whose gzip trailer claims less than it holds", async () => {
    // Two gzip members: the trailer at the end speaks for the last one only.
    const tar = gunzipSync(await tarballOf({ "data/big.txt": { content: Buffer.alloc(2 * 1024 * 1024, "a") }, "README.md": { content: Buffer.from("hi\n") } }));
    const archive = Buffer.concat([gzipSync(tar.subarray(0, tar.length - 1024)), gzipSync(tar.subarray(tar.length - 1024))]);

    const files = await unpackTarball(archive);

    expect(files.get("data/big.txt")).toMatchObject({ content: null, size: 2 * 1024 * 1024 });
    expect(files.get("README.md")).toMatchObject({ content: "hi\n" });
  });

  it("refuses gzip whose trailer does not match what it holds", async () => {
    const archive = Buffer.from(gzipSync(Buffer.alloc(4096, "x")));
    archive.writeUInt32LE(100, archive.length - 4);

    await expect(unpackTarball(archive)).rejects.toThrow("The repository archive is not valid gzip.");
  });

  it("refuses gzip that does not hold a tar archive", async () => {
    await expect(unpackTarball(gzipSync(Buffer.alloc(1024, "x")))).rejects.toThrow(TarballError);
  });
});
