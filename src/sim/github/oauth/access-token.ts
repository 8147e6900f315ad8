import type { IncomingHttpHeaders } from "node:http";
import type { SimApp } from "../sim-model.js";
import type { SimWorld } from "../sim-world.js";
import { findClient } from "./find-client.js";
import { readOAuthParams, tokenEndpointBody } from "./read-oauth-params.js";
import type { WebAnswer } from "./web-answer.js";

/** The request log's name for a token exchange (a web endpoint, not a REST operation). */
export const oauthAccessTokenOperation = "oauth/access-token";

export const accessTokenPath = "/login/oauth/access_token";

const errorsDoc = "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors";

/** The refusals GitHub documents for this endpoint, in its words. */
const tokenErrors = {
  incorrect_client_credentials: { description: "The client_id and/or client_secret passed are incorrect.", uri: `${errorsDoc}/#incorrect-client-credentials` },
  redirect_uri_mismatch: { description: "The redirect_uri MUST match the registered callback URL for this application.", uri: `${errorsDoc}/#redirect-uri-mismatch2` },
  bad_verification_code: { description: "The code passed is incorrect or expired.", uri: `${errorsDoc}/#bad-verification-code` },
  bad_refresh_token: { description: "The refresh token passed is incorrect or expired.", uri: errorsDoc },
  unsupported_grant_type: {
    description: "The grant_type passed is not supported.",
    uri: "https://docs.github.com/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps#error-codes-for-the-device-flow",
  },
} as const;

type TokenError = keyof typeof tokenErrors;

type Outcome = { readonly error: TokenError; readonly why: string } | { readonly appId: number; readonly login: string };

/**
 * `POST /login/oauth/access_token`: a GitHub App's client id and secret and a code from the
 * authorize page (or, with `grant_type=refresh_token`, a refresh token) in exchange for a user access
 * token. A code is spent by its first exchange; a refresh token likewise, ending the access token
 * issued with it.
 */
export function exchangeToken(world: SimWorld, request: { readonly query: URLSearchParams; readonly headers: IncomingHttpHeaders; readonly body: Buffer }): WebAnswer {
  const params = readOAuthParams(request.query, request.headers, request.body);
  if (!params) {
    return { status: 400, headers: { "content-type": "text/plain; charset=utf-8" }, body: "Problems parsing JSON", invalid: "body is not a JSON object" };
  }
  const outcome = grant(world, params);
  const accept = request.headers.accept;
  if ("error" in outcome) {
    const { description, uri } = tokenErrors[outcome.error];
    const answer = tokenEndpointBody(accept, { error: outcome.error, error_description: description, error_uri: uri });
    return { status: 200, headers: { "content-type": answer.contentType, "cache-control": "no-store" }, body: answer.body, invalid: `${outcome.error}: ${outcome.why}` };
  }
  const issued = world.issueUserToken(outcome.appId, outcome.login);
  const answer = tokenEndpointBody(accept, {
    access_token: issued.accessToken,
    expires_in: issued.expiresIn,
    refresh_token: issued.refreshToken,
    refresh_token_expires_in: issued.refreshTokenExpiresIn,
    scope: "",
    token_type: "bearer",
  });
  return { status: 200, headers: { "content-type": answer.contentType, "cache-control": "no-store" }, body: answer.body, invalid: null };
}

function grant(world: SimWorld, params: ReadonlyMap<string, string>): Outcome {
  const grantType = params.get("grant_type") ?? "authorization_code";
  if (grantType !== "authorization_code" && grantType !== "refresh_token") return { error: "unsupported_grant_type", why: `grant_type ${grantType}` };
  const app = findClient(world, params.get("client_id") ?? null);
  if (!app) return { error: "incorrect_client_credentials", why: "no GitHub App has this client_id" };
  if (params.get("client_secret") !== app.clientSecret) return { error: "incorrect_client_credentials", why: "wrong client_secret" };
  return grantType === "refresh_token" ? refresh(world, app, params) : redeemCode(world, app, params);
}

function redeemCode(world: SimWorld, app: SimApp, params: ReadonlyMap<string, string>): Outcome {
  const redirectUri = params.get("redirect_uri");
  if (redirectUri !== undefined && !(app.callbackUrls ?? []).includes(redirectUri)) return { error: "redirect_uri_mismatch", why: `${redirectUri} is not a callback URL of ${app.slug}` };
  const value = params.get("code") ?? "";
  const code = world.oauthCodes.get(value);
  if (code?.appId !== app.id) return { error: "bad_verification_code", why: value === "" ? "no code" : "the code is unknown or was spent already" };
  if (code.expiresAt <= world.nowMs()) {
    world.oauthCodes.delete(value);
    return { error: "bad_verification_code", why: "the code is older than ten minutes" };
  }
  if (redirectUri !== undefined && redirectUri !== code.redirectUri) return { error: "redirect_uri_mismatch", why: `the code was issued for ${code.redirectUri}` };
  world.oauthCodes.delete(value);
  return { appId: app.id, login: code.login };
}

function refresh(world: SimWorld, app: SimApp, params: ReadonlyMap<string, string>): Outcome {
  const value = params.get("refresh_token") ?? "";
  const token = world.refreshTokens.get(value);
  if (token?.appId !== app.id) return { error: "bad_refresh_token", why: value === "" ? "no refresh_token" : "the refresh token is unknown or was spent already" };
  world.refreshTokens.delete(value);
  world.userTokens.delete(token.accessToken);
  if (token.expiresAt <= world.nowMs()) return { error: "bad_refresh_token", why: "the refresh token has expired" };
  return { appId: app.id, login: token.login };
}
