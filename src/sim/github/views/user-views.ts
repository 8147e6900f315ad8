import type { SimPermission, SimRepo, SimUrls, SimUser } from "../sim-model.js";
import { nodeId } from "./view-urls.js";

const BOT_SUFFIX = "[bot]";

/** `simple-user`. Its 18 fields are also exactly what a webhook `user` allows, so payloads reuse it. */
export function userView(urls: SimUrls, user: SimUser) {
  // Bot logins carry brackets, which GitHub percent-encodes in urls.
  const url = `${urls.api}/users/${encodeURIComponent(user.login)}`;
  return {
    login: user.login,
    id: user.id,
    node_id: nodeId(user.type, user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: "",
    url,
    html_url: userHtmlUrl(urls, user),
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: user.type,
    site_admin: false,
  };
}

/** A bot's page is its app's page (`/apps/<slug>`); everyone else's is `/<login>`. */
function userHtmlUrl(urls: SimUrls, user: SimUser): string {
  if (user.type === "Bot" && user.login.endsWith(BOT_SUFFIX)) return `${urls.web}/apps/${encodeURIComponent(user.login.slice(0, -BOT_SUFFIX.length))}`;
  return `${urls.web}/${encodeURIComponent(user.login)}`;
}

/** The legacy `permission` field predates maintain and triage and folds them into write and read. */
const LEGACY_PERMISSION = { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read", none: "none" } as const;

const RANK = { none: 0, read: 1, triage: 2, write: 3, maintain: 4, admin: 5 } as const;

/** `repository-collaborator-permission`; `role_name` keeps the real role. */
export function collaboratorPermissionView(urls: SimUrls, user: SimUser, permission: SimPermission | "none") {
  const rank = RANK[permission];
  return {
    permission: LEGACY_PERMISSION[permission],
    role_name: permission,
    user: {
      ...userView(urls, user),
      permissions: {
        admin: rank >= RANK.admin,
        maintain: rank >= RANK.maintain,
        push: rank >= RANK.write,
        triage: rank >= RANK.triage,
        pull: rank >= RANK.read,
      },
      role_name: permission,
    },
  };
}

export type AuthorAssociation = "OWNER" | "COLLABORATOR" | "NONE";

/** How GitHub labels an author's relation to the repository on issues, comments, PRs and reviews. */
export function authorAssociation(repo: SimRepo, user: SimUser): AuthorAssociation {
  if (user.id === repo.owner.id) return "OWNER";
  return repo.collaborators.has(user.login) ? "COLLABORATOR" : "NONE";
}

/**
 * `public-user`: a person's profile as `GET /user` shows it to a GitHub App's user access token.
 * The model keeps no profile fields, so they are empty; `public_repos` counts their public repositories.
 */
export function publicUserView(urls: SimUrls, user: SimUser, profile: { readonly createdAt: string; readonly publicRepos: number }) {
  return {
    ...userView(urls, user),
    user_view_type: "public",
    name: null,
    company: null,
    blog: "",
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: profile.publicRepos,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: profile.createdAt,
    // The model keeps no separate update time for a person.
    updated_at: profile.createdAt,
  };
}
