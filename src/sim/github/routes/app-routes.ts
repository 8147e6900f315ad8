import { installationTokenView, installationView, integrationView } from "../views/index.js";
import type { RouteHandler } from "./route-context.js";
import { intParam, notFound, param, refused } from "./route-context.js";

/** Endpoints an app calls with its JWT (the simulator's auth layer has checked the JWT already). */
export const appRoutes: Record<string, RouteHandler> = {
  "apps/get-authenticated": (ctx) => ({ status: 200, body: integrationView(ctx.urls, ctx.app) }),
  "apps/create-installation-access-token": (ctx) => {
    const installation = ctx.world.installations.get(intParam(ctx, "installation_id"));
    if (installation?.appId !== ctx.app.id) throw notFound();
    const { token, expiresAt } = ctx.world.issueToken(installation.id);
    return { status: 201, body: installationTokenView(token, new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, "Z")) };
  },
  "apps/get-repo-installation": (ctx) => {
    const installation = ctx.world.installationFor(ctx.app.id, param(ctx, "owner"));
    const repo = ctx.world.repo(param(ctx, "owner"), param(ctx, "repo"));
    if (!installation || !repo) throw notFound();
    return { status: 200, body: installationView(ctx.urls, installation, ctx.app) };
  },
};

/** Operations that authenticate with the app's JWT rather than an installation token. */
export const jwtOperations: ReadonlySet<string> = new Set(Object.keys(appRoutes));

/** Endpoints an OAuth client calls with Basic authentication: its client id and client secret. */
export const clientRoutes: Record<string, RouteHandler> = {
  // Revoking a user access token: the token stops working at once, and so does its refresh token.
  "apps/delete-token": (ctx) => {
    if (param(ctx, "client_id") !== ctx.app.clientId) throw notFound();
    const body = ctx.body as { access_token?: unknown };
    const token = typeof body.access_token === "string" ? ctx.world.userTokens.get(body.access_token) : undefined;
    // GitHub answers a token it does not know (or another app's) as a validation failure.
    if (typeof body.access_token !== "string" || token?.appId !== ctx.app.id) throw refused(ctx, "Validation Failed");
    ctx.world.userTokens.delete(body.access_token);
    return { status: 204, body: undefined };
  },
};

/** Operations that authenticate with an OAuth client's id and secret. */
export const clientOperations: ReadonlySet<string> = new Set(Object.keys(clientRoutes));
