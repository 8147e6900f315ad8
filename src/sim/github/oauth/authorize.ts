import { randomBytes } from "node:crypto";
import type { SimWorld } from "../sim-world.js";
import { findClient } from "./find-client.js";
import type { WebAnswer } from "./web-answer.js";
import { htmlPage, redirectTo } from "./web-answer.js";

/** The request log's name for a visit to the authorize page (a web page, not a REST operation). */
export const oauthAuthorizeOperation = "oauth/authorize";

export const authorizePath = "/login/oauth/authorize";

/** A code is good for ten minutes, as GitHub's are. */
const CODE_LIFETIME_MS = 10 * 60_000;

const errorsDoc = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-authorization-request-errors";

/**
 * `GET /login/oauth/authorize?client_id&redirect_uri&state…`: the page where a person signed in to
 * GitHub lets a GitHub App know who they are. A `redirect_uri` must be one of the app's callback URLs
 * exactly (the first one when none is given). Nobody signed in: the sign-in page. Authorized: a 302
 * to the callback with a fresh `code` and the `state` as given; cancelled: `error=access_denied`.
 */
export function authorize(world: SimWorld, query: URLSearchParams): WebAnswer {
  const app = findClient(world, query.get("client_id"));
  if (!app) return htmlPage(404, "Page not found", "No application has this client_id.", "no GitHub App has this client_id");
  const callbacks = app.callbackUrls ?? [];
  const state = query.get("state");
  const asked = query.get("redirect_uri");
  const registered = callbacks[0];
  if (registered === undefined) {
    return htmlPage(400, "Redirect URI mismatch", `${app.name} has no callback URL registered.`, "redirect_uri_mismatch: the app has no callback URL");
  }
  if (asked !== null && !callbacks.includes(asked)) {
    // GitHub sends the person back to the registered callback, telling it what went wrong.
    return redirectTo(
      registered,
      {
        error: "redirect_uri_mismatch",
        error_description: "The redirect_uri MUST match the registered callback URL for this application.",
        error_uri: `${errorsDoc}/#redirect-uri-mismatch`,
        state,
      },
      `redirect_uri_mismatch: ${asked} is not a callback URL of ${app.slug}`,
    );
  }
  const redirectUri = asked ?? registered;
  const browser = world.browser;
  if (!browser) return htmlPage(200, "Sign in to GitHub", `Sign in to GitHub to continue to ${app.name}.`, null);
  if (!browser.authorizes) {
    return redirectTo(
      redirectUri,
      { error: "access_denied", error_description: "The user has denied your application access.", error_uri: `${errorsDoc}/#access-denied`, state },
      null,
    );
  }
  const code = randomBytes(10).toString("hex");
  world.oauthCodes.set(code, { appId: app.id, login: browser.user.login, redirectUri, expiresAt: world.nowMs() + CODE_LIFETIME_MS });
  return redirectTo(redirectUri, { code, state }, null);
}
