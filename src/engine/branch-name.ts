/** `orchestrator/<issue>-<slug>`: readable in the branch list, unique per issue, safe as a git ref. */
export function branchName(issueNumber: number, title: string): string {
  const slug = title
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  return `orchestrator/${issueNumber}${slug ? `-${slug}` : ""}`;
}
