import { Readable } from "node:stream";
import { promisify } from "node:util";
import { gunzip, gunzipSync } from "node:zlib";
import { OrchestratorError } from "../engine/errors.js";
import tar from "tar-stream";
import type { RepoFile } from "./repo-snapshot.js";
import { maxTextFileBytes } from "./repo-snapshot.js";

/** A download that does not unpack is most often cut short: worth one more try. */
export class TarballError extends OrchestratorError {
  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, { retryable: options.retryable ?? true, cause: options.cause });
  }
}

/** Larger repositories are refused rather than risk the memory of the process that answers webhooks. */
export const maxUnpackedBytes = 1024 * 1024 * 1024;

const gunzipAsync = promisify(gunzip);

/**
 * An archive that says it inflates to at most this much is inflated on the main thread, with this
 * as its bound: for a small repository the round trip through zlib's thread pool (milliseconds on
 * a busy event loop) costs far more than inflating. Whatever fails here (a larger archive than its
 * trailer says, or not gzip at all) goes to the thread pool, which answers as it always has.
 */
const inlineInflateBytes = 1024 * 1024;

/** The gzip trailer's ISIZE: the inflated size modulo 2³², as the archive claims it. */
function claimedInflatedBytes(archive: Uint8Array): number | undefined {
  if (archive.length < 18) return undefined;
  return Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength).readUInt32LE(archive.byteLength - 4);
}

async function inflate(archive: Uint8Array): Promise<Buffer> {
  const claimed = claimedInflatedBytes(archive);
  if (claimed !== undefined && claimed <= inlineInflateBytes) {
    try {
      return gunzipSync(archive, { maxOutputLength: inlineInflateBytes });
    } catch {
      // Handled below, off the main thread and with the real bound.
    }
  }
  return gunzipAsync(archive, { maxOutputLength: maxUnpackedBytes });
}

function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, 8000).includes(0);
}

/**
 * Reads GitHub's repository tarball (gzip; every path under one `owner-repo-sha/` folder) into
 * files keyed by their path in the repository. Binary and oversized files keep their size only.
 */
export async function unpackTarball(archive: Uint8Array): Promise<Map<string, RepoFile>> {
  let tarBytes: Buffer;
  try {
    // Off the main thread (zlib's thread pool) unless small, and bounded.
    tarBytes = await inflate(archive);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new TarballError(`The repository is larger than ${maxUnpackedBytes / 1024 ** 3} GiB unpacked; Orchestrator does not work on repositories that large.`, { cause: error, retryable: false });
    }
    throw new TarballError("The repository archive is not valid gzip.", { cause: error });
  }
  const files = new Map<string, RepoFile>();
  const extract = tar.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: unknown) => {
        if (Buffer.isBuffer(chunk)) chunks.push(chunk);
      });
      stream.on("end", () => {
        if (header.type === "file") {
          const slash = header.name.indexOf("/");
          const path = slash === -1 ? header.name : header.name.slice(slash + 1);
          if (path !== "") {
            const bytes = Buffer.concat(chunks);
            const text = bytes.length <= maxTextFileBytes && !looksBinary(bytes);
            files.set(path, {
              path,
              content: text ? bytes.toString("utf8") : null,
              size: bytes.length,
              executable: (header.mode & 0o111) !== 0,
            });
          }
        }
        next();
      });
      stream.on("error", reject);
    });
    extract.on("finish", resolve);
    extract.on("error", (error) => {
      reject(new TarballError("The repository archive is not a valid tar file.", { cause: error }));
    });
  });
  Readable.from([tarBytes]).pipe(extract);
  await done;
  return files;
}
