/**
 * `orchestrator/<issue>-<slug>`: readable in the branch list and safe as a git ref. A later task for
 * the same issue gets `-t<task>` appended, so it never lands on a branch an earlier one (or a
 * person fixing it) left behind.
 */
export function branchName(issueNumber: number, title: string, laterTaskId?: number): string {
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `orchestrator/${issueNumber}${slug ? `-${slug}` : ""}${laterTaskId === undefined ? "" : `-t${laterTaskId}`}`;
}
