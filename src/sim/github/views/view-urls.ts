import type { SimRepo, SimUrls } from "../sim-model.js";

/** A stable opaque id in the place of GitHub's GraphQL node ids; clients only compare and echo them. */
export function nodeId(type: string, id: number | string): string {
  return Buffer.from(`${type}:${id}`).toString("base64url");
}

export function fullName(repo: SimRepo): string {
  return `${repo.owner.login}/${repo.name}`;
}

/** `${api}/repos/o/r`: the root of every REST url of a repository. */
export function repoApiUrl(urls: SimUrls, repo: SimRepo): string {
  return `${urls.api}/repos/${fullName(repo)}`;
}

/** `${web}/o/r`: the root of every html_url of a repository. */
export function repoWebUrl(urls: SimUrls, repo: SimRepo): string {
  return `${urls.web}/${fullName(repo)}`;
}

/** Escapes each segment of a file path or ref but keeps its slashes, as GitHub's urls do. */
export function encodePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/** GitHub writes git dates in UTC to the second (`2026-01-01T00:00:00Z`), whatever zone was sent. */
export function isoSeconds(time: string): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The type and id a `nodeId` was made from, or undefined for an id the simulator never issued. */
export function parseNodeId(id: string): { readonly type: string; readonly id: string } | undefined {
  const decoded = /^([A-Za-z]+):(.+)$/.exec(Buffer.from(id, "base64url").toString("utf8"));
  const [, type, rest] = decoded ?? [];
  if (type === undefined || rest === undefined || nodeId(type, rest) !== id) return undefined;
  return { type, id: rest };
}
