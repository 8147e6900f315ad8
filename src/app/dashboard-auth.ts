import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { z } from "zod";

/** Who opened the dashboard: the shared token, or a GitHub login allowed in. */
export interface DashboardViewer {
  readonly via: "token" | "github";
  readonly name: string;
}

export interface DashboardAuthOptions {
  readonly token: string | undefined;
  readonly users: readonly string[];
  readonly githubClientId: string | undefined;
  readonly githubClientSecret: string | undefined;
  /** Signs session cookies; derived from the token and client secret when not given. */
  readonly sessionKey?: Buffer;
  readonly sessionMs?: number;
  readonly now: () => number;
}

export const sessionCookie = "orchestrator_session";
export const oauthStateCookie = "orchestrator_oauth_state";

const sessionSchema = z.object({ via: z.enum(["token", "github"]), name: z.string().min(1).max(100), exp: z.number() });

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * The key that signs sessions, derived from the secrets that open the dashboard: every replica and
 * every restart signs alike, and changing the token or the client secret ends every session.
 * With neither configured there is nothing to sign, and a random key does no harm.
 */
function sessionKeyFrom(options: Pick<DashboardAuthOptions, "token" | "githubClientSecret">): Buffer {
  if (options.token === undefined && options.githubClientSecret === undefined) return randomBytes(32);
  return createHmac("sha256", "orchestrator dashboard sessions").update(`${options.token ?? ""}\0${options.githubClientSecret ?? ""}`).digest();
}

/** Compares secrets in constant time (their digests, so lengths do not leak either). */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

export function readCookies(req: IncomingMessage): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const at = part.indexOf("=");
    if (at <= 0) continue;
    const name = part.slice(0, at).trim();
    try {
      cookies.set(name, decodeURIComponent(part.slice(at + 1).trim()));
    } catch {
      // A cookie that is not valid percent-encoding is not one of ours.
    }
  }
  return cookies;
}

/** Behind a TLS-terminating proxy the request is plain HTTP; the proxy says what the browser used. */
export function isSecureRequest(req: IncomingMessage): boolean {
  const forwarded = req.headers["x-forwarded-proto"];
  const proto = Array.isArray(forwarded) ? forwarded[0] : forwarded;
  return proto?.split(",")[0]?.trim() === "https" || ("encrypted" in req.socket && req.socket.encrypted === true);
}

export function cookieHeader(name: string, value: string, options: { maxAgeSeconds: number; secure: boolean; sameSite: "Strict" | "Lax" }): string {
  return `${name}=${encodeURIComponent(value)}; Path=/; HttpOnly; SameSite=${options.sameSite}; Max-Age=${options.maxAgeSeconds}${options.secure ? "; Secure" : ""}`;
}

/**
 * Who may see the dashboard. Nobody, by default: it opens with the configured token (an
 * `Authorization: Bearer` header, or typed into the sign-in page, which sets a signed session
 * cookie) or through GitHub sign-in for the logins listed in `ORCHESTRATOR_DASHBOARD_USERS`.
 */
export class DashboardAuth {
  readonly #options: DashboardAuthOptions;
  readonly #key: Buffer;
  readonly #sessionMs: number;

  constructor(options: DashboardAuthOptions) {
    this.#options = options;
    this.#key = options.sessionKey ?? sessionKeyFrom(options);
    this.#sessionMs = options.sessionMs ?? 12 * 3_600_000;
  }

  /** Whether any way in is configured; without one the dashboard stays closed. */
  get enabled(): boolean {
    return this.tokenEnabled || this.githubEnabled;
  }

  get tokenEnabled(): boolean {
    return this.#options.token !== undefined;
  }

  get githubEnabled(): boolean {
    return this.#options.githubClientId !== undefined && this.#options.githubClientSecret !== undefined && this.#options.users.length > 0;
  }

  get githubClient(): { readonly id: string; readonly secret: string } | undefined {
    const { githubClientId: id, githubClientSecret: secret } = this.#options;
    return this.githubEnabled && id && secret ? { id, secret } : undefined;
  }

  get sessionSeconds(): number {
    return Math.floor(this.#sessionMs / 1000);
  }

  /** The viewer a request speaks for: its bearer token, or its session cookie. */
  viewer(req: IncomingMessage): DashboardViewer | undefined {
    const authorization = req.headers.authorization;
    if (authorization?.startsWith("Bearer ") && this.checkToken(authorization.slice("Bearer ".length).trim())) return { via: "token", name: "token" };
    const cookie = readCookies(req).get(sessionCookie);
    return cookie ? this.#readSession(cookie) : undefined;
  }

  checkToken(given: string): boolean {
    const expected = this.#options.token;
    return expected !== undefined && given !== "" && sameSecret(given, expected);
  }

  /** Whether a GitHub login may come in (logins are not case-sensitive). */
  allowsGithubUser(login: string): boolean {
    return this.#options.users.some((u) => u.toLowerCase() === login.toLowerCase());
  }

  /** A signed session for the viewer, the value of the session cookie. */
  issueSession(viewer: DashboardViewer): string {
    const payload = Buffer.from(JSON.stringify({ ...viewer, exp: this.#options.now() + this.#sessionMs })).toString("base64url");
    return `${payload}.${this.#sign(payload)}`;
  }

  #readSession(value: string): DashboardViewer | undefined {
    const [payload, signature, ...rest] = value.split(".");
    if (!payload || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.#sign(payload));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let parsed: z.infer<typeof sessionSchema>;
    try {
      parsed = sessionSchema.parse(JSON.parse(Buffer.from(payload, "base64url").toString("utf8")));
    } catch {
      return undefined;
    }
    if (parsed.exp <= this.#options.now()) return undefined;
    // A session from GitHub sign-in ends when its login leaves the list; one from the token when the token goes.
    if (parsed.via === "github" && !(this.githubEnabled && this.allowsGithubUser(parsed.name))) return undefined;
    if (parsed.via === "token" && !this.tokenEnabled) return undefined;
    return { via: parsed.via, name: parsed.name };
  }

  #sign(payload: string): string {
    return createHmac("sha256", this.#key).update(payload).digest("base64url");
  }
}
