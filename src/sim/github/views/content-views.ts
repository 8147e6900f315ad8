import type { SimRepo, SimUrls } from "../sim-model.js";
import { readBlob, wrappedBase64 } from "./read-git-object.js";
import { encodePath, repoApiUrl, repoWebUrl } from "./view-urls.js";

/** `content-file` (repos/get-content for a file); `ref` is what the caller asked for, echoed in the urls. */
export function contentFileView(urls: SimUrls, repo: SimRepo, path: string, blobSha: string, ref: string) {
  const content = readBlob(repo, blobSha).content;
  const url = `${repoApiUrl(urls, repo)}/contents/${encodePath(path)}?ref=${encodeURIComponent(ref)}`;
  const gitUrl = `${repoApiUrl(urls, repo)}/git/blobs/${blobSha}`;
  const htmlUrl = `${repoWebUrl(urls, repo)}/blob/${encodePath(ref)}/${encodePath(path)}`;
  return {
    type: "file" as const,
    encoding: "base64" as const,
    size: content.length,
    name: path.slice(path.lastIndexOf("/") + 1),
    path,
    content: wrappedBase64(content),
    sha: blobSha,
    url,
    git_url: gitUrl,
    html_url: htmlUrl,
    // GitHub serves raw files from raw.githubusercontent.com; the simulator has one host, so /raw/ on it.
    download_url: `${repoWebUrl(urls, repo)}/raw/${encodePath(ref)}/${encodePath(path)}`,
    _links: { self: url, git: gitUrl, html: htmlUrl },
  };
}
