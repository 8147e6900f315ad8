import type { SimRepo, SimUrls } from "../sim-model.js";
import { userView } from "./user-views.js";
import { fullName, nodeId, repoApiUrl, repoWebUrl } from "./view-urls.js";

/** The url templates every repository shape carries (REST and webhook alike). */
function repositoryUrls(urls: SimUrls, repo: SimRepo) {
  const api = repoApiUrl(urls, repo);
  const web = repoWebUrl(urls, repo);
  const host = new URL(urls.web).host;
  return {
    html_url: web,
    url: api,
    forks_url: `${api}/forks`,
    keys_url: `${api}/keys{/key_id}`,
    collaborators_url: `${api}/collaborators{/collaborator}`,
    teams_url: `${api}/teams`,
    hooks_url: `${api}/hooks`,
    issue_events_url: `${api}/issues/events{/number}`,
    events_url: `${api}/events`,
    assignees_url: `${api}/assignees{/user}`,
    branches_url: `${api}/branches{/branch}`,
    tags_url: `${api}/tags`,
    blobs_url: `${api}/git/blobs{/sha}`,
    git_tags_url: `${api}/git/tags{/sha}`,
    git_refs_url: `${api}/git/refs{/sha}`,
    trees_url: `${api}/git/trees{/sha}`,
    statuses_url: `${api}/statuses/{sha}`,
    languages_url: `${api}/languages`,
    stargazers_url: `${api}/stargazers`,
    contributors_url: `${api}/contributors`,
    subscribers_url: `${api}/subscribers`,
    subscription_url: `${api}/subscription`,
    commits_url: `${api}/commits{/sha}`,
    git_commits_url: `${api}/git/commits{/sha}`,
    comments_url: `${api}/comments{/number}`,
    issue_comment_url: `${api}/issues/comments{/number}`,
    contents_url: `${api}/contents/{+path}`,
    compare_url: `${api}/compare/{base}...{head}`,
    merges_url: `${api}/merges`,
    archive_url: `${api}/{archive_format}{/ref}`,
    downloads_url: `${api}/downloads`,
    issues_url: `${api}/issues{/number}`,
    pulls_url: `${api}/pulls{/number}`,
    milestones_url: `${api}/milestones{/number}`,
    notifications_url: `${api}/notifications{?since,all,participating}`,
    labels_url: `${api}/labels{/name}`,
    releases_url: `${api}/releases{/id}`,
    deployments_url: `${api}/deployments`,
    git_url: `git://${host}/${fullName(repo)}.git`,
    ssh_url: `git@${host}:${fullName(repo)}.git`,
    clone_url: `${web}.git`,
    svn_url: web,
  };
}

/** GitHub counts open pull requests among a repository's open issues. */
function openIssues(repo: SimRepo): number {
  let open = 0;
  for (const issue of repo.issues.values()) if (issue.state === "open") open += 1;
  return open;
}

/** `repository`: the shape GitHub nests in pull requests (head/base), check suites and webhooks. */
export function repositoryView(urls: SimUrls, repo: SimRepo) {
  const open = openIssues(repo);
  const { html_url, url, ...templates } = repositoryUrls(urls, repo);
  return {
    id: repo.id,
    node_id: nodeId("Repository", repo.id),
    name: repo.name,
    full_name: fullName(repo),
    private: repo.private,
    owner: userView(urls, repo.owner),
    html_url,
    description: repo.description,
    fork: false,
    url,
    ...templates,
    created_at: repo.createdAt,
    // The model keeps no separate settings-change time; pushes are what change a repository here.
    updated_at: repo.pushedAt,
    pushed_at: repo.pushedAt,
    homepage: null,
    size: 0,
    stargazers_count: 0,
    watchers_count: 0,
    language: null,
    has_issues: true,
    has_projects: true,
    has_downloads: true,
    has_wiki: true,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: false,
    disabled: false,
    open_issues_count: open,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [] as string[],
    visibility: repo.private ? ("private" as const) : ("public" as const),
    forks: 0,
    open_issues: open,
    watchers: 0,
    default_branch: repo.defaultBranch,
  };
}

/** `full-repository` (repos/get): the nested shape plus merge settings and network counts. */
export function fullRepositoryView(urls: SimUrls, repo: SimRepo) {
  return {
    ...repositoryView(urls, repo),
    temp_clone_token: null,
    allow_squash_merge: true,
    allow_merge_commit: true,
    allow_rebase_merge: true,
    allow_auto_merge: false,
    delete_branch_on_merge: false,
    allow_update_branch: false,
    use_squash_pr_title_as_default: false,
    squash_merge_commit_message: "COMMIT_MESSAGES" as const,
    squash_merge_commit_title: "COMMIT_OR_PR_TITLE" as const,
    merge_commit_message: "PR_TITLE" as const,
    merge_commit_title: "MERGE_MESSAGE" as const,
    network_count: 0,
    subscribers_count: 0,
  };
}
