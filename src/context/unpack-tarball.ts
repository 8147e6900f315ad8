import { Readable } from "node:stream";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
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
    // Off the main thread (zlib's thread pool), and bounded.
    tarBytes = await gunzipAsync(archive, { maxOutputLength: maxUnpackedBytes });
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
