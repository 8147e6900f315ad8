import type { IncomingHttpHeaders } from "node:http";

/**
 * The parameters of a POST to GitHub's OAuth endpoints: the query string's, then the body's, which
 * win. The body may be JSON or form-encoded, as GitHub takes either; undefined when it cannot be read.
 */
export function readOAuthParams(query: URLSearchParams, headers: IncomingHttpHeaders, body: Buffer): Map<string, string> | undefined {
  const params = new Map(query.entries());
  if (body.length === 0) return params;
  const type = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  const text = body.toString("utf8");
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return undefined;
    for (const [name, value] of Object.entries(parsed)) {
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") params.set(name, String(value));
    }
    return params;
  }
  for (const [name, value] of new URLSearchParams(text)) params.set(name, value);
  return params;
}

/**
 * The token endpoint answers in the format the Accept header asks for: JSON, XML, or by default
 * form-encoded. Refusals are answered the same way, with status 200.
 */
export function tokenEndpointBody(accept: string | undefined, fields: Readonly<Record<string, string | number>>): { contentType: string; body: string } {
  const wanted = (accept ?? "").toLowerCase();
  if (wanted.includes("application/json")) return { contentType: "application/json; charset=utf-8", body: JSON.stringify(fields) };
  if (wanted.includes("application/xml")) {
    const escape = (value: string): string => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const elements = Object.entries(fields).map(([name, value]) => `<${name}>${escape(String(value))}</${name}>`);
    return { contentType: "application/xml; charset=utf-8", body: `<OAuth>${elements.join("")}</OAuth>` };
  }
  const form = new URLSearchParams(Object.fromEntries(Object.entries(fields).map(([name, value]) => [name, String(value)])));
  return { contentType: "application/x-www-form-urlencoded; charset=utf-8", body: form.toString() };
}
