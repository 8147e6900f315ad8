import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import type { DashboardData } from "../telemetry/dashboard-types.js";
import { DashboardTaskNotFoundError } from "../telemetry/dashboard-data.js";
import type { ReadPaths } from "../telemetry/read-paths.js";
import { renderDashboardHtml } from "../telemetry/render-dashboard-html.js";
import type { DashboardAuth, DashboardViewer } from "./dashboard-auth.js";
import { cookieHeader, isSecureRequest, oauthStateCookie, readCookies, sameSecret, sessionCookie } from "./dashboard-auth.js";
import { revokeUserToken } from "./revoke-user-token.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;
type Metrics = Pick<ReadPaths, "contentType" | "render">;

function pathOf(req: IncomingMessage): URL {
  return new URL(req.url ?? "/", "http://localhost");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const pageSecurity = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

function page(res: ServerResponse, status: number, title: string, body: string, headers: Record<string, string | string[]> = {}): void {
  res
    .writeHead(status, { ...pageSecurity, ...headers })
    .end(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}input,button{font:inherit;padding:.4rem .6rem}form{margin:1.5rem 0}.error{color:#b00020}</style></head>` +
        `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`,
    );
}

/**
 * `GET /metrics`: Prometheus text, at most `cacheMs` old. Open unless a metrics token is configured,
 * then a bearer token (Prometheus' `authorization` setting) is required.
 */
export function createMetricsHandler(metrics: Metrics, token: string | undefined, onError: (error: unknown) => void, cacheMs = 5_000): Handler {
  // A scrape reads the store synchronously: scrapes in quick succession (several Prometheus servers, a
  // curl loop) share one reading, taken at most every `cacheMs`, rather than each holding up webhooks.
  let cached: { readonly at: number; readonly text: string } | undefined;
  let pending: Promise<string> | undefined;
  const read = (): Promise<string> => {
    if (cached && Date.now() - cached.at < cacheMs) return Promise.resolve(cached.text);
    pending ??= metrics
      .render()
      .then((text) => {
        cached = { at: Date.now(), text };
        return text;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
  return async (req, res) => {
    if (pathOf(req).pathname !== "/metrics") return false;
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return true;
    }
    const given = req.headers.authorization?.startsWith("Bearer ") ? req.headers.authorization.slice("Bearer ".length).trim() : "";
    if (token !== undefined && !sameSecret(given, token)) {
      res.writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain" }).end("A bearer token is required: ORCHESTRATOR_METRICS_TOKEN.\n");
      return true;
    }
    try {
      const text = await read();
      res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : text);
    } catch (error) {
      onError(error);
      res.writeHead(503, { "content-type": "text/plain" }).end("Metrics are unavailable: the database does not answer.\n");
    }
    return true;
  };
}

export interface DashboardHandlerOptions {
  /** Where the dashboard's data is read (a thread of its own, normally). */
  readonly read: Pick<ReadPaths, "dashboard">;
  readonly auth: DashboardAuth;
  /** Writes buffered spans, so a task's timeline is complete when read. */
  readonly flushSpans: () => void;
  readonly github: { readonly webUrl: string; readonly apiUrl: string };
  /** Where people reach the app; GitHub sign-in needs it for its callback address. */
  readonly publicUrl: string | undefined;
  readonly fetch?: typeof fetch;
  readonly onError: (error: unknown) => void;
  readonly onSignIn?: (viewer: DashboardViewer) => void;
}

const queryNumber = (value: string | null, min: number, max: number): number | undefined => {
  if (value === null || !/^\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n >= min && n <= max ? n : undefined;
};

async function readForm(req: IncomingMessage, limit = 4096): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new Error("form too large");
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

const accessTokenSchema = z.object({ access_token: z.string().min(1) });
const userSchema = z.object({ login: z.string().min(1) });
const oauthErrorSchema = z.object({ error: z.string(), error_description: z.string().optional() });
/** The sign-in's two requests to GitHub wait this long at most. */
const githubTimeoutMs = 10_000;

/**
 * The dashboard: `/dashboard` (HTML, no JavaScript; `?task=ID` adds a task's timeline, `?days=N`
 * the window), `/dashboard.json` (the same data), `/dashboard/login` (token form, GitHub sign-in
 * link), `/dashboard/login/github` and its callback, `/dashboard/logout`. Closed unless a way in is
 * configured.
 */
export function createDashboardHandler(options: DashboardHandlerOptions): Handler {
  const { auth } = options;
  const fetchImpl = options.fetch ?? fetch;
  const callbackUrl = options.publicUrl ? `${options.publicUrl}/dashboard/login/github/callback` : undefined;
  // Cookies are Secure when the browser speaks HTTPS: the public address says so, or the proxy in front does.
  const publicHttps = options.publicUrl?.startsWith("https:") === true;
  const secure = (req: IncomingMessage): boolean => publicHttps || isSecureRequest(req);

  const loginPage = (res: ServerResponse, status: number, message?: string, headers: Record<string, string> = {}): void => {
    const parts: string[] = [];
    if (message) parts.push(`<p class="error">${escapeHtml(message)}</p>`);
    if (!auth.enabled) {
      parts.push(
        "<p>The dashboard is closed: no way in is configured. Set <code>ORCHESTRATOR_DASHBOARD_TOKEN</code> (a secret of at least 24 characters), " +
          "or GitHub sign-in (<code>GITHUB_CLIENT_ID</code>, <code>GITHUB_CLIENT_SECRET</code>, <code>ORCHESTRATOR_DASHBOARD_USERS</code> and <code>ORCHESTRATOR_PUBLIC_URL</code>), and restart the app.</p>",
      );
    }
    if (auth.tokenEnabled) {
      parts.push('<form method="post" action="/dashboard/login"><label>Dashboard token <input type="password" name="token" autocomplete="current-password" required></label> <button type="submit">Open</button></form>');
    }
    if (auth.githubEnabled && callbackUrl) parts.push('<p><a href="/dashboard/login/github">Sign in with GitHub</a></p>');
    page(res, status, "Orchestrator dashboard", parts.join(""), headers);
  };

  const signedIn = (req: IncomingMessage, res: ServerResponse, viewer: DashboardViewer): void => {
    options.onSignIn?.(viewer);
    res
      .writeHead(303, {
        location: "/dashboard",
        "set-cookie": [
          cookieHeader(sessionCookie, auth.issueSession(viewer), { maxAgeSeconds: auth.sessionSeconds, secure: secure(req), sameSite: "Lax" }),
          cookieHeader(oauthStateCookie, "", { maxAgeSeconds: 0, secure: secure(req), sameSite: "Lax" }),
        ],
        "cache-control": "no-store",
      })
      .end();
  };

  const githubCallback = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    // Once the state matched, it is spent whatever happens next.
    const clearState = { "set-cookie": cookieHeader(oauthStateCookie, "", { maxAgeSeconds: 0, secure: secure(req), sameSite: "Lax" }) };
    const refuse = (status: number, message: string): void => {
      loginPage(res, status, message, clearState);
    };
    const client = auth.githubClient;
    if (!client || !callbackUrl) {
      refuse(404, "GitHub sign-in is not configured.");
      return;
    }
    const code = url.searchParams.get("code");
    const state = url.searchParams.get("state");
    const expected = readCookies(req).get(oauthStateCookie);
    if (!state || !expected || !sameSecret(state, expected)) {
      // Not this browser's sign-in (or a forged one): its state stays, so a real sign-in under way still finishes.
      loginPage(res, 400, "The sign-in could not be checked (it expired or did not start here). Try again.");
      return;
    }
    const refused = url.searchParams.get("error");
    if (refused !== null || !code) {
      if (refused === "access_denied") refuse(401, "The sign-in was cancelled on GitHub.");
      else {
        options.onError(new Error(`GitHub sign-in came back with ${refused ?? "no code"}: ${url.searchParams.get("error_description") ?? ""}`));
        refuse(502, "GitHub could not start the sign-in. The app's operator has the reason in its log.");
      }
      return;
    }
    let login: string;
    try {
      const tokenResponse = await fetchImpl(`${options.github.webUrl}/login/oauth/access_token`, {
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json" },
        body: JSON.stringify({ client_id: client.id, client_secret: client.secret, code, redirect_uri: callbackUrl }),
        signal: AbortSignal.timeout(githubTimeoutMs),
      });
      const answer: unknown = await tokenResponse.json();
      const token = accessTokenSchema.safeParse(answer);
      if (!tokenResponse.ok || !token.success) {
        const error = oauthErrorSchema.safeParse(answer);
        const reason = error.success ? error.data.error : `HTTP ${tokenResponse.status}`;
        if (reason === "bad_verification_code") {
          refuse(401, "The sign-in expired or was used already. Try again.");
        } else {
          // A wrong client secret or callback URL: the operator's to fix, so it goes to the log in full.
          options.onError(new Error(`GitHub refused the sign-in's code exchange: ${reason}${error.success && error.data.error_description ? ` (${error.data.error_description})` : ""}. Check GITHUB_CLIENT_ID, GITHUB_CLIENT_SECRET and the App's callback URL (${callbackUrl}).`));
          refuse(502, "GitHub refused the sign-in: the app's sign-in settings look wrong. The app's operator has the reason in its log.");
        }
        return;
      }
      const userResponse = await fetchImpl(`${options.github.apiUrl}/user`, {
        headers: { accept: "application/vnd.github+json", authorization: `Bearer ${token.data.access_token}`, "x-github-api-version": "2022-11-28" },
        signal: AbortSignal.timeout(githubTimeoutMs),
      });
      const user = userSchema.safeParse(await userResponse.json());
      // The token was wanted for this one question: revoked now, it cannot be used again if it leaks.
      const revocation = await revokeUserToken({ fetch: fetchImpl, apiUrl: options.github.apiUrl, client, accessToken: token.data.access_token, timeoutMs: githubTimeoutMs });
      if (revocation !== undefined) options.onError(revocation);
      if (!userResponse.ok || !user.success) {
        options.onError(new Error(`GET ${options.github.apiUrl}/user answered ${userResponse.status} during dashboard sign-in`));
        refuse(502, "GitHub did not say who signed in. Try again.");
        return;
      }
      login = user.data.login;
    } catch (error) {
      options.onError(error);
      refuse(502, "GitHub could not be reached to finish the sign-in. Try again later.");
      return;
    }
    if (!auth.allowsGithubUser(login)) {
      refuse(403, `${login} is not allowed to see this dashboard. Ask the app's operator to add the login to ORCHESTRATOR_DASHBOARD_USERS.`);
      return;
    }
    signedIn(req, res, { via: "github", name: login });
  };

  const serveDashboard = async (req: IncomingMessage, res: ServerResponse, url: URL, json: boolean): Promise<void> => {
    const taskParam = url.searchParams.get("task");
    const taskId = queryNumber(taskParam, 1, Number.MAX_SAFE_INTEGER);
    const daysParam = url.searchParams.get("days");
    const days = queryNumber(daysParam, 1, 366);
    if ((taskParam !== null && taskId === undefined) || (daysParam !== null && days === undefined)) {
      res.writeHead(400, { "content-type": "text/plain" }).end("task must be a task id; days a whole number from 1 to 366.\n");
      return;
    }
    options.flushSpans();
    let data: DashboardData;
    try {
      data = await options.read.dashboard({ ...(days === undefined ? {} : { days }), ...(taskId === undefined ? {} : { taskId }) });
    } catch (error) {
      if (!(error instanceof DashboardTaskNotFoundError)) throw error;
      res.writeHead(404, { "content-type": "text/plain" }).end(`There is no task ${taskId ?? ""}.\n`);
      return;
    }
    if (json) {
      res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" }).end(JSON.stringify(data));
      return;
    }
    const keep = days === undefined ? "" : `&days=${days}`;
    const html = renderDashboardHtml(data, { taskHref: (id) => `/dashboard?task=${id}${keep}`, jsonHref: `/dashboard.json${url.search}` });
    res.writeHead(200, pageSecurity).end(req.method === "HEAD" ? undefined : html);
  };

  return async (req, res) => {
    const url = pathOf(req);
    const path = url.pathname.replace(/\/+$/, "") || "/";
    if (path !== "/dashboard" && path !== "/dashboard.json" && !path.startsWith("/dashboard/")) return false;
    const method = req.method ?? "GET";
    try {
      if (path === "/dashboard/login" && method === "POST") {
        if (!auth.tokenEnabled) {
          loginPage(res, 404, "Token sign-in is not configured.");
          return true;
        }
        const form = await readForm(req).catch(() => new URLSearchParams());
        if (auth.checkToken(form.get("token") ?? "")) signedIn(req, res, { via: "token", name: "token" });
        else loginPage(res, 401, "That token is not the dashboard's.");
        return true;
      }
      if (method !== "GET" && method !== "HEAD") {
        res.writeHead(405, { allow: "GET, HEAD" }).end();
        return true;
      }
      if (path === "/dashboard/login") {
        loginPage(res, auth.enabled ? 200 : 403);
        return true;
      }
      if (path === "/dashboard/logout") {
        res.writeHead(303, { location: "/dashboard/login", "set-cookie": cookieHeader(sessionCookie, "", { maxAgeSeconds: 0, secure: secure(req), sameSite: "Lax" }) }).end();
        return true;
      }
      if (path === "/dashboard/login/github") {
        const client = auth.githubClient;
        if (!client || !callbackUrl) {
          loginPage(res, 404, "GitHub sign-in is not configured.");
          return true;
        }
        const state = randomBytes(24).toString("base64url");
        const target = new URL(`${options.github.webUrl}/login/oauth/authorize`);
        target.search = new URLSearchParams({ client_id: client.id, redirect_uri: callbackUrl, state, allow_signup: "false" }).toString();
        res
          .writeHead(302, { location: target.toString(), "set-cookie": cookieHeader(oauthStateCookie, state, { maxAgeSeconds: 600, secure: secure(req), sameSite: "Lax" }), "cache-control": "no-store" })
          .end();
        return true;
      }
      if (path === "/dashboard/login/github/callback" && method === "GET") {
        await githubCallback(req, res, url);
        return true;
      }
      if (path !== "/dashboard" && path !== "/dashboard.json") {
        res.writeHead(404, { "content-type": "text/plain" }).end("Not found.\n");
        return true;
      }
      const viewer = auth.viewer(req);
      if (!viewer) {
        if (path === "/dashboard.json") {
          res.writeHead(auth.enabled ? 401 : 403, { "content-type": "application/json", "www-authenticate": 'Bearer realm="dashboard"' }).end(JSON.stringify({ error: auth.enabled ? "sign in: a bearer token or a session" : "the dashboard is closed: no way in is configured" }));
        } else if (auth.enabled) {
          res.writeHead(303, { location: "/dashboard/login", "cache-control": "no-store" }).end();
        } else {
          loginPage(res, 403);
        }
        return true;
      }
      await serveDashboard(req, res, url, path === "/dashboard.json");
    } catch (error) {
      options.onError(error);
      if (!res.headersSent) res.writeHead(503, { "content-type": "text/plain" }).end("The dashboard could not be built just now; the app's log has the reason.\n");
    }
    return true;
  };
}
