import type { IncomingHttpHeaders } from "node:http";
import type { SimWorld } from "../sim-world.js";
import { accessTokenPath, exchangeToken, oauthAccessTokenOperation } from "./access-token.js";
import { authorize, authorizePath, oauthAuthorizeOperation } from "./authorize.js";
import type { WebAnswer } from "./web-answer.js";
import { htmlPage } from "./web-answer.js";

export { oauthAccessTokenOperation } from "./access-token.js";
export { oauthAuthorizeOperation } from "./authorize.js";
export type { WebAnswer } from "./web-answer.js";

/** GitHub's OAuth web flow lives on the web host's root (github.com, or a GHES host), not under the API. */
export function isOAuthPath(pathname: string): boolean {
  return pathname === authorizePath || pathname === accessTokenPath;
}

/** Answers a request to one of the OAuth paths, with the name the request log keeps it under. */
export function answerOAuth(
  world: SimWorld,
  request: { readonly method: string; readonly url: URL; readonly headers: IncomingHttpHeaders; readonly body: Buffer },
): WebAnswer & { readonly operationId: string } {
  if (request.url.pathname === authorizePath) {
    const answer = request.method === "GET" ? authorize(world, request.url.searchParams) : notFound(request.method);
    return { ...answer, operationId: oauthAuthorizeOperation };
  }
  const answer = request.method === "POST" ? exchangeToken(world, { query: request.url.searchParams, headers: request.headers, body: request.body }) : notFound(request.method);
  return { ...answer, operationId: oauthAccessTokenOperation };
}

function notFound(method: string): WebAnswer {
  return htmlPage(404, "Page not found", "This is not a web page.", `${method} is not served here`);
}
