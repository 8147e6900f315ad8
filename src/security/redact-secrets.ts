/**
 * Masks secrets, and on request e-mail addresses, in text on its way to a model, a log or a comment.
 * Each secret becomes `[REDACTED:<kind>]`; for `name = value` only the value goes, so the reader
 * still sees which setting held it. Redacting twice changes nothing: placeholders match no pattern.
 */
import { findAssignedSecrets, findPrivateKeys, findTokens, secretKinds } from "./secret-patterns.js";
import type { ReportMatch, SecretKind, SecretMatch } from "./secret-patterns.js";

export type { SecretKind, SecretMatch } from "./secret-patterns.js";

export interface RedactOptions {
  /** Mask e-mail addresses too. Off by default: commit metadata and docs are full of them. */
  readonly emails?: boolean;
}

export function redactionPlaceholder(kind: SecretKind): string {
  return `[REDACTED:${kind}]`;
}

const placeholderPattern = new RegExp(String.raw`\[REDACTED:(?:${secretKinds.join("|")})\]`);

export function containsRedactionPlaceholder(text: string): boolean {
  return placeholderPattern.test(text);
}

// When spans overlap, the merged span takes the most specific kind: a whole key block over a token
// inside it, a recognised token over a generic assignment, every other kind over an e-mail address.
const precedence: Record<SecretKind, number> = {
  "private-key": 0,
  "github-token": 1,
  "anthropic-key": 1,
  "openai-key": 1,
  "aws-access-key": 1,
  "aws-secret-key": 1,
  "slack-token": 1,
  "stripe-key": 1,
  "google-api-key": 1,
  jwt: 1,
  assignment: 2,
  email: 3,
};

/** Sorts and unions overlapping spans, so a secret found by two detectors is masked once and whole. */
function mergeOverlapping(matches: SecretMatch[]): SecretMatch[] {
  const sorted = [...matches].sort((a, b) => a.start - b.start || b.end - a.end || precedence[a.kind] - precedence[b.kind]);
  const merged: SecretMatch[] = [];
  for (const match of sorted) {
    const last = merged.at(-1);
    if (last === undefined || match.start >= last.end) {
      merged.push(match);
      continue;
    }
    const kind = precedence[match.kind] < precedence[last.kind] ? match.kind : last.kind;
    merged[merged.length - 1] = { kind, start: last.start, end: Math.max(last.end, match.end) };
  }
  return merged;
}

// Local parts and domains as people write them, bounded so a long run cannot backtrack for long.
// Anchored on "@" with the local part looked up behind it: most positions in a text hold no "@".
const email = /@(?<=(?<![\w.%+-])([A-Za-z0-9][A-Za-z0-9._%+-]{0,63})@)((?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})(?![A-Za-z0-9-])/dg;
// user@2x.png is an image name, not an address.
const retinaSuffix = /^\d+(?:\.\d+)?x\./i;

/**
 * E-mail addresses are personal data rather than secrets. `git@host` is the SSH user of a remote
 * (git@github.com:owner/repo.git), not a person, so it stays; every other address is masked,
 * GitHub's noreply addresses included, as they name an account.
 */
function findEmails(text: string, report: ReportMatch): void {
  for (const match of text.matchAll(email)) {
    const localStart = match.indices?.[1]?.[0];
    if (localStart === undefined || match[1]?.toLowerCase() === "git" || retinaSuffix.test(match[2] ?? "")) continue;
    report({ kind: "email", start: localStart, end: match.index + match[0].length });
  }
}

/** Every secret in the text, sorted by position and never overlapping. */
export function findSecrets(text: string, options: RedactOptions = {}): SecretMatch[] {
  const matches: SecretMatch[] = [];
  const report = (match: SecretMatch): void => {
    if (match.end > match.start) matches.push(match);
  };
  findPrivateKeys(text, report);
  findTokens(text, report);
  findAssignedSecrets(text, report);
  if (options.emails === true) findEmails(text, report);
  return mergeOverlapping(matches);
}

export function redactSecrets(text: string, options: RedactOptions = {}): { text: string; count: number } {
  const matches = findSecrets(text, options);
  if (matches.length === 0) return { text, count: 0 };
  const parts: string[] = [];
  let copied = 0;
  for (const { kind, start, end } of matches) {
    parts.push(text.slice(copied, start), redactionPlaceholder(kind));
    copied = end;
  }
  parts.push(text.slice(copied));
  return { text: parts.join(""), count: matches.length };
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Deep-redacts every string inside a JSON-like value (objects, arrays), returning a new value and the count.
 * Object keys are kept as they are: masking two keys to the same placeholder would merge entries.
 * Values that are not strings, arrays or plain objects (numbers, dates, class instances) are kept.
 */
export function redactDeep<T>(value: T, options: RedactOptions = {}): { value: T; count: number } {
  let count = 0;
  // Shared and cyclic references map to one copy, so the walk ends and sharing is kept.
  const copies = new Map<object, unknown>();
  const walk = (item: unknown): unknown => {
    if (typeof item === "string") {
      const redacted = redactSecrets(item, options);
      count += redacted.count;
      return redacted.text;
    }
    if (typeof item !== "object" || item === null) return item;
    const seen = copies.get(item);
    if (seen !== undefined) return seen;
    if (Array.isArray(item)) {
      const copy: unknown[] = [];
      copies.set(item, copy);
      for (const element of item) copy.push(walk(element));
      return copy;
    }
    if (!isPlainObject(item)) return item;
    const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(item) as object | null) as Record<string, unknown>;
    copies.set(item, copy);
    for (const [key, element] of Object.entries(item)) copy[key] = walk(element);
    return copy;
  };
  // The walk preserves the shape of the input, replacing strings by strings.
  return { value: walk(value) as T, count };
}
