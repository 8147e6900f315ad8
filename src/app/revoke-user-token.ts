/**
 * Revokes a GitHub user access token with the OAuth client's credentials
 * (`DELETE /applications/{client_id}/token`). Never throws: what went wrong is returned for the
 * log, and an unrevoked token still expires on its own (8 hours).
 */
export async function revokeUserToken(options: {
  readonly fetch: typeof fetch;
  readonly apiUrl: string;
  readonly client: { readonly id: string; readonly secret: string };
  readonly accessToken: string;
  readonly timeoutMs: number;
}): Promise<unknown> {
  const { client } = options;
  try {
    const answer = await options.fetch(`${options.apiUrl}/applications/${encodeURIComponent(client.id)}/token`, {
      method: "DELETE",
      headers: {
        accept: "application/vnd.github+json",
        authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString("base64")}`,
        "content-type": "application/json",
        "x-github-api-version": "2022-11-28",
      },
      body: JSON.stringify({ access_token: options.accessToken }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return answer.status === 204 ? undefined : new Error(`GitHub answered ${answer.status} to revoking a sign-in's user token; it expires on its own`);
  } catch (error) {
    return error;
  }
}
