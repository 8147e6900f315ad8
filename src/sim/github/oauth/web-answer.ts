/** An answer from one of GitHub's web endpoints (not the REST API): any body, any content type. */
export interface WebAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** Why GitHub refused it, for the request log; null when the request was one a correct client sends. */
  readonly invalid: string | null;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A bare stand-in for one of GitHub's pages: its title and what it says. */
export function htmlPage(status: number, title: string, text: string, invalid: string | null): WebAnswer {
  return {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-cache" },
    body: `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)} · GitHub</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`,
    invalid,
  };
}

/** A 302 to `target` with `params` added to its query (a null value is left out). */
export function redirectTo(target: string, params: Readonly<Record<string, string | null>>, invalid: string | null): WebAnswer {
  const url = new URL(target);
  for (const [name, value] of Object.entries(params)) if (value !== null) url.searchParams.append(name, value);
  return { status: 302, headers: { location: url.toString(), "cache-control": "no-cache" }, body: "", invalid };
}
