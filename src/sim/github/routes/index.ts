import { actionsRoutes } from "./actions-routes.js";
import { appRoutes, clientRoutes } from "./app-routes.js";
import { checkRoutes } from "./check-routes.js";
import { gitRoutes } from "./git-routes.js";
import { issueRoutes } from "./issue-routes.js";
import { pullRoutes } from "./pull-routes.js";
import { repoRoutes } from "./repo-routes.js";
import { reviewRoutes } from "./review-routes.js";
import type { RouteHandler } from "./route-context.js";
import { userRoutes } from "./user-routes.js";

export { clientOperations, jwtOperations } from "./app-routes.js";
export type { RouteContext, RouteHandler, RouteResult } from "./route-context.js";
export { SimHttpError } from "./route-context.js";
export { userTokenOperations } from "./user-routes.js";

/** Every operation the simulator answers, by GitHub's operation id. */
export const routes: Readonly<Record<string, RouteHandler>> = { ...appRoutes, ...repoRoutes, ...gitRoutes, ...issueRoutes, ...pullRoutes, ...reviewRoutes, ...checkRoutes, ...actionsRoutes, ...userRoutes, ...clientRoutes };
