import { randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { GitStore } from "./git-store.js";
import type { SimApp, SimInstallation, SimLabel, SimOAuthCode, SimPermission, SimRepo, SimUser, SimUserGrant } from "./sim-model.js";

export class SimError extends Error {
  override readonly name = "SimError";
}

/** GitHub Actions' own app id on github.com: CI check suites come from it. */
export const githubActionsAppId = 15368;

/** A repository with nothing in it yet but its git objects: no collaborators, issues, pulls or checks. */
export function newRepoRecord(fields: Pick<SimRepo, "id" | "owner" | "name" | "defaultBranch" | "private" | "description" | "createdAt" | "git">): SimRepo {
  return {
    ...fields,
    pushedAt: fields.createdAt,
    collaborators: new Map(),
    labels: new Map(),
    issues: new Map(),
    comments: new Map(),
    commentReactions: new Map(),
    pulls: new Map(),
    reviews: new Map(),
    reviewComments: new Map(),
    resolvedThreads: new Set(),
    checkSuites: new Map(),
    checkRuns: new Map(),
    nextNumber: 1,
  };
}

/**
 * The simulator's state: users, apps, installations, repositories and the tokens it has issued.
 * Ids come from one counter so every id is unique, as GitHub's are within a type.
 */
export class SimWorld {
  readonly users = new Map<string, SimUser>();
  readonly apps = new Map<number, SimApp>();
  readonly installations = new Map<number, SimInstallation>();
  readonly repos = new Map<string, SimRepo>();
  readonly tokens = new Map<string, { installationId: number; expiresAt: number }>();
  /** Codes the authorize page issued and no exchange has spent yet. */
  readonly oauthCodes = new Map<string, SimOAuthCode>();
  /** User access tokens (`ghu_`), each with the refresh token issued beside it. */
  readonly userTokens = new Map<string, SimUserGrant & { readonly refreshToken: string }>();
  /** Refresh tokens (`ghr_`), each with the access token it replaces when spent. */
  readonly refreshTokens = new Map<string, SimUserGrant & { readonly accessToken: string }>();
  readonly #now: () => Date;
  #browser: { readonly user: SimUser; readonly authorizes: boolean } | null = null;
  #nextId = 1000;

  constructor(now: () => Date = () => new Date()) {
    this.#now = now;
  }

  now(): string {
    return this.#now().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  nowMs(): number {
    return this.#now().getTime();
  }

  nextId(): number {
    this.#nextId += 1;
    return this.#nextId;
  }

  addUser(login: string, type: SimUser["type"] = "User"): SimUser {
    const existing = this.users.get(login);
    if (existing) return existing;
    const user: SimUser = { id: this.nextId(), login, type, createdAt: this.now() };
    this.users.set(login, user);
    return user;
  }

  user(login: string): SimUser {
    const user = this.users.get(login);
    if (!user) throw new SimError(`No simulated user '${login}'.`);
    return user;
  }

  addApp(app: {
    id: number;
    slug: string;
    name: string;
    owner: string;
    publicKey: KeyObject | null;
    permissions?: Record<string, "read" | "write">;
    events?: readonly string[];
    clientId?: string;
    clientSecret?: string;
    callbackUrls?: readonly string[];
  }): SimApp {
    const created: SimApp = {
      id: app.id,
      slug: app.slug,
      name: app.name,
      owner: this.addUser(app.owner),
      bot: this.addUser(`${app.slug}[bot]`, "Bot"),
      createdAt: this.now(),
      publicKey: app.publicKey,
      permissions: app.permissions ?? {},
      events: app.events ?? [],
      // GitHub Apps' client ids start `Iv23li`, their secrets are 40 hex digits.
      clientId: app.clientId ?? `Iv23li${randomBytes(7).toString("hex")}`,
      clientSecret: app.clientSecret ?? randomBytes(20).toString("hex"),
      callbackUrls: app.callbackUrls ?? [],
    };
    this.apps.set(created.id, created);
    return created;
  }

  app(id: number): SimApp {
    const app = this.apps.get(id);
    if (!app) throw new SimError(`No simulated app ${id}.`);
    return app;
  }

  addInstallation(appId: number, account: string): SimInstallation {
    const installation: SimInstallation = { id: this.nextId(), appId, account: this.user(account), createdAt: this.now() };
    this.installations.set(installation.id, installation);
    return installation;
  }

  installationFor(appId: number, owner: string): SimInstallation | undefined {
    return [...this.installations.values()].find((i) => i.appId === appId && i.account.login === owner);
  }

  issueToken(installationId: number, lifetimeMs = 60 * 60_000): { token: string; expiresAt: number } {
    const token = `ghs_${randomBytes(18).toString("base64url")}`;
    const expiresAt = this.nowMs() + lifetimeMs;
    this.tokens.set(token, { installationId, expiresAt });
    return { token, expiresAt };
  }

  /**
   * Who is signed in to GitHub in the browser that opens the OAuth pages. `authorizes: false` makes
   * them press "Cancel" on the authorize page instead of "Authorize".
   */
  signInAs(login: string, options: { authorizes?: boolean } = {}): SimUser {
    const user = this.user(login);
    this.#browser = { user, authorizes: options.authorizes ?? true };
    return user;
  }

  signOut(): void {
    this.#browser = null;
  }

  get browser(): { readonly user: SimUser; readonly authorizes: boolean } | null {
    return this.#browser;
  }

  /** A user access token for the app, with its refresh token: 8 hours and 6 months, as GitHub's expiring tokens. */
  issueUserToken(appId: number, login: string): { accessToken: string; expiresIn: number; refreshToken: string; refreshTokenExpiresIn: number } {
    const expiresIn = 8 * 3600;
    const refreshTokenExpiresIn = 15_897_600;
    const accessToken = `ghu_${randomBytes(27).toString("base64url").replace(/[-_]/g, "0")}`;
    const refreshToken = `ghr_${randomBytes(57).toString("base64url").replace(/[-_]/g, "0")}`;
    this.userTokens.set(accessToken, { appId, login, expiresAt: this.nowMs() + expiresIn * 1000, refreshToken });
    this.refreshTokens.set(refreshToken, { appId, login, expiresAt: this.nowMs() + refreshTokenExpiresIn * 1000, accessToken });
    return { accessToken, expiresIn, refreshToken, refreshTokenExpiresIn };
  }

  /** Creates a repository whose default branch holds `files` in one commit. */
  addRepo(owner: string, name: string, files: ReadonlyMap<string, Buffer>, options: { defaultBranch?: string; private?: boolean; description?: string } = {}): SimRepo {
    const git = new GitStore();
    const defaultBranch = options.defaultBranch ?? "main";
    const ownerUser = this.users.get(owner) ?? this.addUser(owner);
    const sha = git.commitFiles(files, "Initial commit\n", { name: ownerUser.login, email: `${ownerUser.login}@users.noreply.github.com`, date: this.now() });
    git.refs.set(`refs/heads/${defaultBranch}`, sha);
    const repo = newRepoRecord({
      id: this.nextId(),
      owner: ownerUser,
      name,
      defaultBranch,
      private: options.private ?? false,
      description: options.description ?? null,
      createdAt: this.now(),
      git,
    });
    repo.collaborators.set(owner, "admin");
    this.repos.set(`${owner}/${name}`.toLowerCase(), repo);
    return repo;
  }

  repo(owner: string, name: string): SimRepo | undefined {
    return this.repos.get(`${owner}/${name}`.toLowerCase());
  }

  setPermission(repo: SimRepo, login: string, permission: SimPermission): void {
    this.addUser(login);
    repo.collaborators.set(login, permission);
  }

  /** A public repository lets anyone read; everyone else has what they were given. */
  permissionOf(repo: SimRepo, login: string): SimPermission | "none" {
    return repo.collaborators.get(login) ?? (repo.private ? "none" : "read");
  }

  ensureLabel(repo: SimRepo, name: string, color = "ededed"): SimLabel {
    const existing = repo.labels.get(name);
    if (existing) return existing;
    const label: SimLabel = { id: this.nextId(), name, color, description: null };
    repo.labels.set(name, label);
    return label;
  }
}
