import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyAppJwt } from "./app-jwt.js";
import { buildTarball } from "./codeload.js";
import { answerGraphql } from "./graphql/answer-graphql.js";
import { isJobLogPath, jobLogAt, jobLogOperation } from "./job-logs.js";
import { answerOAuth, isOAuthPath } from "./oauth/index.js";
import { findClient } from "./oauth/find-client.js";
import type { MatchedOperation } from "./openapi/index.js";
import { notFoundBody, OpenApiValidator, validationFailedBody } from "./openapi/index.js";
import { codeloadOperation, RequestLog } from "./request-log.js";
import { clientOperations, jwtOperations, routes, SimHttpError, userTokenOperations } from "./routes/index.js";
import type { RouteResult } from "./routes/index.js";
import type { SimChange } from "./sim-changes.js";
import type { SimApp, SimInstallation, SimUrls, SimUser } from "./sim-model.js";
import { SimWorld } from "./sim-world.js";

interface Caller { app: SimApp; installation: SimInstallation | null; user: SimUser | null }
/** A request refused before any route runs: 401 unless another status is given. */
interface Refusal { error: string; status?: number }

/**
 * A stateful stand-in for api.github.com on loopback. Every request is matched to an operation of
 * GitHub's OpenAPI description and checked against it before any route runs; every response is
 * checked too. What GitHub would refuse is refused the way GitHub refuses it, and counted.
 */
export class GitHubSimulator {
  readonly world: SimWorld;
  readonly requests = new RequestLog();
  readonly #validator: OpenApiValidator;
  readonly #listeners: ((change: SimChange) => void)[] = [];
  #server: Server | undefined;
  #urls: SimUrls | undefined;

  constructor(options: { now?: () => Date; validator?: OpenApiValidator } = {}) {
    this.world = new SimWorld(options.now);
    this.#validator = options.validator ?? OpenApiValidator.load();
  }

  get urls(): SimUrls {
    if (!this.#urls) throw new Error("The GitHub simulator is not started.");
    return this.#urls;
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ message: `simulator error: ${String(error)}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    this.#server = server;
    this.#urls = { api: `http://127.0.0.1:${port}`, web: `http://127.0.0.1:${port}/web` };
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => { resolve(); }));
  }

  onChange(listener: (change: SimChange) => void): void {
    this.#listeners.push(listener);
  }

  /** Announces a change made by a route, a simulated person or the CI simulator. */
  emit(change: SimChange): void {
    for (const listener of this.#listeners) listener(change);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // GitHub Enterprise Server serves the same API under /api/v3 (Probot's GHE_HOST points there).
    if (url.pathname.startsWith("/api/v3/")) url.pathname = url.pathname.slice("/api/v3".length);
    const method = (req.method ?? "GET").toUpperCase();
    const raw = await readBody(req);
    if (url.pathname.startsWith("/_codeload/")) {
      const status = await this.#codeload(url.pathname, res);
      // Not a REST call (codeload is another host), but logged so every byte the app fetched is visible.
      this.requests.add({ operationId: codeloadOperation, method, path: url.pathname, status, invalid: status === 200 ? null : "no such archive", responseIssues: [], at: this.world.nowMs() });
      return;
    }
    if (isOAuthPath(url.pathname)) {
      const answer = answerOAuth(this.world, { method, url, headers: req.headers, body: raw });
      res.writeHead(answer.status, answer.headers).end(answer.body);
      // Not REST calls (these are GitHub's web pages), but logged so every step of a sign-in is visible.
      this.requests.add({ operationId: answer.operationId, method, path: url.pathname, status: answer.status, invalid: answer.invalid, responseIssues: [], at: this.world.nowMs() });
      return;
    }
    if (isJobLogPath(url.pathname)) {
      const log = jobLogAt(this.world, url.pathname);
      if (log === undefined) res.writeHead(404).end("Not Found");
      else res.writeHead(200, { "content-type": "text/plain; charset=utf-8" }).end(log);
      this.requests.add({ operationId: jobLogOperation, method, path: url.pathname, status: log === undefined ? 404 : 200, invalid: log === undefined ? "no such job log" : null, responseIssues: [], at: this.world.nowMs() });
      return;
    }

    if (url.pathname === "/graphql" && method === "POST") {
      await this.#graphql(req, raw, url.pathname, res);
      return;
    }

    const op = this.#validator.match(method, url.pathname);
    const record = (status: number, invalid: string | null, responseIssues: readonly string[] = []): void => {
      this.requests.add({ operationId: op?.operationId ?? null, method, path: url.pathname, status, invalid, responseIssues, at: this.world.nowMs() });
    };
    if (!op) {
      record(404, "no such route in GitHub's API description");
      send(res, 404, notFoundBody());
      return;
    }
    // GitHub refuses bad credentials before it looks at what was asked.
    const caller = this.#authenticate(req, op);
    if ("error" in caller) {
      const status = caller.status ?? 401;
      record(status, caller.error);
      send(res, status, { message: caller.error, documentation_url: "https://docs.github.com/rest", status: String(status) });
      return;
    }
    let body: unknown;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString("utf8"));
      } catch {
        record(400, "body is not JSON");
        send(res, 400, { message: "Problems parsing JSON", documentation_url: this.#validator.documentationUrl(op), status: "400" });
        return;
      }
    }
    const issues = this.#validator.validateRequest(op, { query: url.searchParams, body });
    if (issues.length > 0) {
      const pathIssue = issues.some((i) => i.where === "path");
      record(pathIssue ? 404 : 422, issues.map((i) => i.message).join("; "));
      send(res, pathIssue ? 404 : 422, pathIssue ? notFoundBody() : validationFailedBody(issues, this.#validator.documentationUrl(op)));
      return;
    }
    const handler = routes[op.operationId];
    let result: RouteResult;
    try {
      if (!handler) throw new SimHttpError(404, { message: `The simulator does not implement ${op.operationId}.`, documentation_url: "https://docs.github.com/rest", status: "404" });
      result = handler({
        world: this.world,
        urls: this.urls,
        params: op.pathParams,
        query: url.searchParams,
        body,
        app: caller.app,
        installation: caller.installation,
        user: caller.user,
        emit: (change) => { this.emit(change); },
        documentationUrl: this.#validator.documentationUrl(op),
      });
    } catch (error) {
      if (!(error instanceof SimHttpError)) throw error;
      record(error.status, error.expected ? null : error.message);
      send(res, error.status, error.body);
      return;
    }
    const responseIssues = this.#validator.validateResponse(op, result.status, result.body).map((i) => i.message);
    record(result.status, null, responseIssues);
    send(res, result.status, result.body, result.headers);
  }

  /** GitHub's GraphQL API is one endpoint outside the REST description; graphql-js parses and checks what it is sent. */
  async #graphql(req: IncomingMessage, raw: Buffer, path: string, res: ServerResponse): Promise<void> {
    const at = this.world.nowMs();
    const caller = this.#authenticateInstallation(req);
    if ("error" in caller) {
      this.requests.add({ operationId: "graphql", method: "POST", path, status: 401, invalid: caller.error, responseIssues: [], at });
      send(res, 401, { message: caller.error, documentation_url: "https://docs.github.com/graphql", status: "401" });
      return;
    }
    const answer = await answerGraphql({ ...caller, world: this.world, urls: this.urls, emit: (change) => { this.emit(change); } }, raw);
    this.requests.add({ operationId: answer.operationId, method: "POST", path, status: answer.status, invalid: answer.invalid, responseIssues: [], at });
    send(res, answer.status, answer.body, { "x-ratelimit-resource": "graphql" });
  }

  #authenticate(req: IncomingMessage, op: MatchedOperation): Caller | Refusal {
    if (jwtOperations.has(op.operationId)) {
      const [scheme = "", credential = ""] = (req.headers.authorization ?? "").split(" ");
      if (scheme.toLowerCase() !== "bearer") return { error: "A JSON web token could not be decoded" };
      const verified = verifyAppJwt(this.world, credential);
      return "error" in verified ? verified : { app: verified.app, installation: null, user: null };
    }
    if (clientOperations.has(op.operationId)) {
      const client = this.#authenticateClient(req);
      return client ? { app: client, installation: null, user: null } : { error: "Bad credentials" };
    }
    const person = this.#authenticateUser(req);
    if (person) {
      if (userTokenOperations.has(op.operationId)) return person;
      // GitHub would answer with what the person and the app may both see; the simulator does not model that.
      return { status: 404, error: `The simulator does not implement ${op.operationId} for user access tokens.` };
    }
    const installation = this.#authenticateInstallation(req);
    return "error" in installation ? installation : { ...installation, user: null };
  }

  /** An OAuth client by Basic authentication with its client id and secret. */
  #authenticateClient(req: IncomingMessage): SimApp | undefined {
    const [scheme = "", credential = ""] = (req.headers.authorization ?? "").split(" ");
    if (scheme.toLowerCase() !== "basic") return undefined;
    const decoded = Buffer.from(credential, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const app = findClient(this.world, colon < 0 ? null : decoded.slice(0, colon));
    return app?.clientSecret !== undefined && app.clientSecret === decoded.slice(colon + 1) ? app : undefined;
  }

  /** A user access token (`ghu_`) from the OAuth web flow: a person, through the app that signed them in. */
  #authenticateUser(req: IncomingMessage): Caller | undefined {
    const [scheme = "", credential = ""] = (req.headers.authorization ?? "").split(" ");
    if (!["token", "bearer"].includes(scheme.toLowerCase())) return undefined;
    const token = this.world.userTokens.get(credential);
    const user = token ? this.world.users.get(token.login) : undefined;
    if (!token || !user || token.expiresAt <= this.world.nowMs()) return undefined;
    return { app: this.world.app(token.appId), installation: null, user };
  }

  /** An installation access token, as every call but the app's own (JWT) ones needs. */
  #authenticateInstallation(req: IncomingMessage): { app: SimApp; installation: SimInstallation } | { error: string } {
    const [scheme = "", credential = ""] = (req.headers.authorization ?? "").split(" ");
    if (!["token", "bearer"].includes(scheme.toLowerCase())) return { error: "Requires authentication" };
    const token = this.world.tokens.get(credential);
    if (!token || token.expiresAt <= this.world.nowMs()) return { error: "Bad credentials" };
    const installation = this.world.installations.get(token.installationId);
    if (!installation) return { error: "Bad credentials" };
    return { app: this.world.app(installation.appId), installation };
  }

  async #codeload(pathname: string, res: ServerResponse): Promise<number> {
    const [, , owner = "", name = "", , sha = ""] = pathname.split("/");
    const repo = this.world.repo(owner, name);
    const commit = repo?.git.get(sha);
    if (!repo || commit?.type !== "commit") {
      res.writeHead(404).end("Not Found");
      return 404;
    }
    const archive = await buildTarball(repo, sha);
    res.writeHead(200, { "content-type": "application/x-gzip", "content-length": archive.length, "content-disposition": `attachment; filename=${owner}-${name}-${sha.slice(0, 7)}.tar.gz` });
    res.end(archive);
    return 200;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  const common = {
    "x-github-request-id": `SIM:${Math.random().toString(16).slice(2, 10).toUpperCase()}`,
    "x-ratelimit-limit": "5000",
    "x-ratelimit-remaining": "4999",
    "x-ratelimit-used": "1",
    "x-ratelimit-resource": "core",
    "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
    "x-github-api-version-selected": "2022-11-28",
  };
  if (body === undefined || status === 204 || status === 302) {
    res.writeHead(status, { ...common, ...headers }).end();
    return;
  }
  res.writeHead(status, { ...common, "content-type": "application/json; charset=utf-8", ...headers }).end(JSON.stringify(body));
}
