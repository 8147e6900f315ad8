import { publicUserView } from "../views/index.js";
import type { RouteHandler } from "./route-context.js";
import { SimHttpError } from "./route-context.js";

/** Endpoints a person calls through an app, with a user access token (`ghu_`). */
export const userRoutes: Record<string, RouteHandler> = {
  "users/get-authenticated": (ctx) => {
    // An installation speaks for no person: GitHub refuses it here.
    if (!ctx.user) throw new SimHttpError(403, { message: "Resource not accessible by integration", documentation_url: ctx.documentationUrl, status: "403" });
    const user = ctx.user;
    const publicRepos = [...ctx.world.repos.values()].filter((repo) => repo.owner.id === user.id && !repo.private).length;
    return { status: 200, body: publicUserView(ctx.urls, user, { createdAt: user.createdAt ?? ctx.world.now(), publicRepos }) };
  },
};

/** Operations the simulator answers for a user access token; it models no other use of one. */
export const userTokenOperations: ReadonlySet<string> = new Set(Object.keys(userRoutes));
