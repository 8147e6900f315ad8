import type { SimApp, SimInstallation, SimRepo, SimUrls, SimUser } from "../sim-model.js";
import type { SimChange } from "../sim-changes.js";
import type { SimWorld } from "../sim-world.js";
import type { GitHubFieldError } from "../openapi/index.js";
import { notFoundBody, unprocessableBody } from "../openapi/index.js";

export interface RouteContext {
  readonly world: SimWorld;
  readonly urls: SimUrls;
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
  /** Who is calling: an app by its JWT (installation null) or an installation by its token. */
  readonly app: SimApp;
  readonly installation: SimInstallation | null;
  /** The person a user access token speaks for (through `app`); null for an app's JWT and an installation's token. */
  readonly user: SimUser | null;
  /** Announces a change; the simulator turns it into webhooks and wakes the CI simulator. */
  readonly emit: (change: SimChange) => void;
  readonly documentationUrl: string;
}

export interface RouteResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export type RouteHandler = (ctx: RouteContext) => RouteResult;

/** An answer GitHub would give instead of success: thrown by a route, sent as is. */
export class SimHttpError extends Error {
  override readonly name = "SimHttpError";
  constructor(
    readonly status: number,
    readonly body: unknown,
    /** An answer a correct client expects (a file that does not exist), not a mistake in the request. */
    readonly expected = false,
  ) {
    super(typeof body === "object" && body !== null && "message" in body ? String(body.message) : `HTTP ${status}`);
  }
}

export function notFound(): SimHttpError {
  return new SimHttpError(404, notFoundBody());
}

/** 404 for something a client may rightly ask about without knowing it exists, such as an optional file. */
export function absent(): SimHttpError {
  return new SimHttpError(404, notFoundBody(), true);
}

/** 422 "Validation Failed" with GitHub's field errors. */
export function unprocessable(ctx: RouteContext, resource: string, field: string, code: GitHubFieldError["code"], message?: string): SimHttpError {
  return new SimHttpError(422, unprocessableBody([{ resource, field, code, ...(message ? { message } : {}) }], ctx.documentationUrl));
}

/** 422 with a plain message, as GitHub answers many semantic refusals ("Reference already exists"). */
export function refused(ctx: RouteContext, message: string): SimHttpError {
  return new SimHttpError(422, { message, documentation_url: ctx.documentationUrl, status: "422" });
}

/** The repository in the path, if the caller's installation may see it; GitHub answers 404 otherwise. */
export function requireRepo(ctx: RouteContext): SimRepo {
  const owner = ctx.params.owner ?? "";
  const name = ctx.params.repo ?? "";
  const repo = ctx.world.repo(owner, name);
  if (!repo) throw notFound();
  if (ctx.installation && ctx.installation.account.login.toLowerCase() !== repo.owner.login.toLowerCase()) throw notFound();
  return repo;
}

export function param(ctx: RouteContext, name: string): string {
  const value = ctx.params[name];
  if (value === undefined) throw notFound();
  return value;
}

export function intParam(ctx: RouteContext, name: string): number {
  const value = Number(param(ctx, name));
  if (!Number.isInteger(value)) throw notFound();
  return value;
}

/** Page of a list, as GitHub's `per_page` (default 30, at most 100) and `page` select it. */
export function paginate<T>(ctx: RouteContext, items: readonly T[]): T[] {
  const perPage = Math.min(100, Math.max(1, Number(ctx.query.get("per_page") ?? 30)));
  const page = Math.max(1, Number(ctx.query.get("page") ?? 1));
  return items.slice((page - 1) * perPage, page * perPage);
}
