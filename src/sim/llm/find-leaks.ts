/**
 * The forbidden strings present in a request body. The raw text is searched, and so are the
 * decoded JSON strings, because JSON escaping (quotes, newlines, \u sequences) hides a secret
 * from a plain search of the raw text.
 */
export function findLeaks(forbidden: readonly string[], raw: string, json: unknown): string[] {
  if (forbidden.length === 0) return [];
  const decoded = collectStrings(json).join("\u0000");
  return forbidden.filter((secret) => raw.includes(secret) || decoded.includes(secret));
}

function collectStrings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(collectStrings);
  if (typeof value === "object" && value !== null) return Object.entries(value).flatMap(([k, v]) => [k, ...collectStrings(v)]);
  return [];
}
