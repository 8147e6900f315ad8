/**
 * The shapes of the secrets we mask before text reaches a model, a log or a comment. Each detector
 * reports candidate spans and redact-secrets.ts merges the overlaps. Every pattern is either a
 * literal prefix followed by runs of single character classes or bounded, so hostile text cannot
 * make it backtrack for long; the one scan that could (private keys) is written out by hand.
 *
 * Formats follow the providers' documentation and the gitleaks rule set.
 */
export const secretKinds = [
  "github-token",
  "anthropic-key",
  "openai-key",
  "aws-access-key",
  "aws-secret-key",
  "private-key",
  "slack-token",
  "stripe-key",
  "google-api-key",
  "jwt",
  "assignment",
  "email",
] as const;

export type SecretKind = (typeof secretKinds)[number];

export interface SecretMatch {
  readonly kind: SecretKind;
  readonly start: number;
  readonly end: number;
}

export type ReportMatch = (match: SecretMatch) => void;

interface TokenPattern {
  readonly kind: SecretKind;
  readonly pattern: RegExp;
}

// Secrets whose format alone gives them away. A token ends where its alphabet ends, so a longer
// run is masked whole rather than cut.
const tokenPatterns: readonly TokenPattern[] = [
  { kind: "github-token", pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}/g },
  { kind: "github-token", pattern: /\bgithub_pat_[A-Za-z0-9]{22,}_[A-Za-z0-9]{59,}/g },
  // api03, admin01, oat01 …: the family and version change, the shape does not.
  { kind: "anthropic-key", pattern: /\bsk-ant-[a-z]{2,10}\d{2}-[A-Za-z0-9_-]{20,}/g },
  { kind: "openai-key", pattern: /\bsk-(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,}/g },
  { kind: "openai-key", pattern: /\bsk-[A-Za-z0-9]{48}(?![A-Za-z0-9_-])/g },
  { kind: "aws-access-key", pattern: /\b(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}(?![A-Za-z0-9])/g },
  { kind: "slack-token", pattern: /\bxox[abeoprs]-[A-Za-z0-9-]{10,}/g },
  { kind: "slack-token", pattern: /\bxapp-\d-[A-Za-z0-9-]{10,}/g },
  // Anyone holding an incoming-webhook address can post to the channel.
  { kind: "slack-token", pattern: /\bhttps:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{20,}/g },
  // Test-mode keys are masked too: they still read and write the account's test data.
  { kind: "stripe-key", pattern: /\b[rs]k_(?:live|test|prod)_[A-Za-z0-9]{10,}/g },
  { kind: "google-api-key", pattern: /\bAIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g },
  // Header and payload are base64url JSON objects ("{" encodes to "ey"); unsigned tokens end in ".".
  { kind: "jwt", pattern: /\beyJ[A-Za-z0-9_-]{8,}\.ey[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g },
];

export function findTokens(text: string, report: ReportMatch): void {
  for (const { kind, pattern } of tokenPatterns) {
    for (const match of text.matchAll(pattern)) report({ kind, start: match.index, end: match.index + match[0].length });
  }
  findOpenAiMarkedKeys(text, report);
}

// "T3BlbkFJ" is "OpenAI" in base64, embedded in user and project keys whatever their prefix. A regex
// from "sk-" would try up to the prefix bound at every "sk-"; searching from the marker costs one
// bounded look back per marker instead.
const openAiMarker = "T3BlbkFJ";
const markerPrefixBound = 160;
const keyChar = /[A-Za-z0-9_-]/;
const keyPrefix = /(?<![A-Za-z0-9_])sk-(?!ant-)/;
const keyTail = /[A-Za-z0-9_-]*/y;

function findOpenAiMarkedKeys(text: string, report: ReportMatch): void {
  const tail = new RegExp(keyTail);
  for (let at = text.indexOf(openAiMarker); at !== -1; ) {
    let runStart = at;
    const limit = Math.max(0, at - markerPrefixBound);
    while (runStart > limit && keyChar.test(text.charAt(runStart - 1))) runStart -= 1;
    // Start the look one back, so the lookbehind sees what precedes the run.
    const run = text.slice(Math.max(0, runStart - 1), at);
    const prefix = keyPrefix.exec(run);
    tail.lastIndex = at + openAiMarker.length;
    tail.exec(text);
    if (prefix !== null && tail.lastIndex - at - openAiMarker.length >= 10) {
      report({ kind: "openai-key", start: Math.max(0, runStart - 1) + prefix.index, end: tail.lastIndex });
      at = text.indexOf(openAiMarker, tail.lastIndex);
    } else {
      at = text.indexOf(openAiMarker, at + 1);
    }
  }
}

const pemLabel = String.raw`[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----`;
const pemBegin = new RegExp(`-----BEGIN ${pemLabel}`, "g");
const pemEnd = new RegExp(`-----END ${pemLabel}`, "g");
// Between BEGIN and END only armour: base64, headers (Proc-Type: 4,ENCRYPTED), line breaks written
// out or escaped (keys inside JSON strings), and the quotes of a key split over string literals.
const pemForeign = /[^A-Za-z0-9+/=\s\\:,"'-]/g;
// Without an END (a truncated file or log line) the armour lines that follow are masked.
const pemArmourLines = /(?:(?:\r?\n|\\r?\\n)(?:(?:Proc-Type|DEK-Info|Comment|Version|Hash|Charset): [^\r\n\\"]*|[A-Za-z0-9+/=]*(?=[\r\n"]|\\[rn]|$)))*/y;

interface Found {
  readonly index: number;
  readonly end: number;
}

function nextMatch(pattern: RegExp, text: string, from: number): Found | undefined {
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match === null ? undefined : { index: match.index, end: match.index + match[0].length };
}

/**
 * Masks from BEGIN through END when only armour lies between them. The next END and the next
 * foreign character are remembered and looked up again only once passed, so many BEGIN lines
 * without an END cost one pass over the text, not one per line.
 */
export function findPrivateKeys(text: string, report: ReportMatch): void {
  const begin = new RegExp(pemBegin);
  const end = new RegExp(pemEnd);
  const foreign = new RegExp(pemForeign);
  const armour = new RegExp(pemArmourLines);
  let nextEnd: Found | undefined;
  let nextForeign: Found | undefined;
  let endSearchedFrom = -1;
  let foreignSearchedFrom = -1;
  for (let header = begin.exec(text); header !== null; header = begin.exec(text)) {
    const bodyStart = header.index + header[0].length;
    if (endSearchedFrom < 0 || (nextEnd !== undefined && nextEnd.index < bodyStart)) {
      nextEnd = nextMatch(end, text, bodyStart);
      endSearchedFrom = bodyStart;
    }
    if (foreignSearchedFrom < 0 || (nextForeign !== undefined && nextForeign.index < bodyStart)) {
      nextForeign = nextMatch(foreign, text, bodyStart);
      foreignSearchedFrom = bodyStart;
    }
    const foreignAt = nextForeign?.index ?? text.length;
    let stop: number;
    if (nextEnd !== undefined && nextEnd.index <= foreignAt) {
      stop = nextEnd.end;
    } else {
      armour.lastIndex = bodyStart;
      armour.exec(text);
      stop = armour.lastIndex;
    }
    report({ kind: "private-key", start: header.index, end: stop });
    begin.lastIndex = stop;
  }
}

// Names that say their value is a credential. "author" and "authority" are not; "authorization" is.
const genericWord = String.raw`key|secret|token|passw(?:or)?d|passphrase|pwd|credential|auth(?!or(?!iz))`;
const genericSecretName = new RegExp(genericWord, "i");
// A 40-hex value is a commit SHA unless the name leaves no doubt (legacy GitHub tokens are 40 hex).
const unambiguousSecretName = /secret|token|passw|pwd|credential/i;
const awsSecretName = /aws|secret/i;

/**
 * `name = value`, `name: value`, `name := value`, `name => value`, the name optionally quoted (JSON,
 * PHP arrays) and the value quoted or bare. Names are bounded and values stop at whitespace; a
 * bare value also stops at punctuation that ends an expression and at "=" or ":" (bar base64 padding).
 */
const assignment = new RegExp(
  String.raw`(?<![\w.-])([\w.-]{0,64}?(?:${genericWord}|aws)[\w.-]{0,64})["']?[ \t]*(?::=|=>|=|:)[ \t]*` +
    String.raw`(?:(["'\x60])([^\s"'\x60\\]{12,})\2|([^\s"'\x60\\,;()[\]{}<>&|=:]{12,}={0,3}))`,
  "dgi",
);
const headerCredential = /\b(?:[Bb]earer|[Bb]asic)[ \t]+([A-Za-z0-9._~+/=-]{12,})/dg;
// scheme://user:password@host; the user may be empty (redis://:password@host).
const urlCredential = /\b[a-z][a-z0-9+.-]{0,20}:\/\/[^\s:/@"'<>[\]]{0,128}:([^\s/@"'<>[\]]{1,256})@/dgi;

// Values people write in place of a secret, in examples and templates.
const placeholder = /your|example|sample|placeholder|dummy|change[-_]?me|replace[-_]?me|redacted|xxxx|\*\*\*|\.\.\.|[<>]/i;
// References to a secret rather than the secret: process.env.X, $X, ${X}, {{ X }}, %X%, `::` paths.
const dottedPath = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;
const reference = /^(?:\$[A-Za-z_{(]|%\w+%$|[:=])|\$\{|\{\{/;
const pathOrUrl = /^(?:[a-z][a-z0-9+.-]*:\/\/|\.{0,2}\/|~\/)|^[\w.-]+(?:\/[\w.-]+)+\.[A-Za-z]{1,5}$/i;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const integrityHash = /^(?:sha(?:1|256|384|512)|md5)[-:]/i;
const commitSha = /^[0-9a-f]{40}$/i;
// Identifiers and names made of words (meta-llama/Llama-2-7b-hf, myServiceAccountV2): readable
// chunks between separators, where random secrets mix cases and digits inside a chunk.
const wordChunk = /^[A-Z]*[a-z]*(?:[A-Z][a-z]+)*[A-Z]*\d*[a-z]{0,2}$/;

function isWordy(value: string): boolean {
  return value.length <= 256 && value.split(/[-_./:+]/).every((chunk) => wordChunk.test(chunk));
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  let length = 0;
  for (const char of value) {
    counts.set(char, (counts.get(char) ?? 0) + 1);
    length += 1;
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function mixesCharacterClasses(value: string): boolean {
  const letter = /[A-Za-z]/.test(value);
  const bothCases = /[a-z]/.test(value) && /[A-Z]/.test(value);
  return (/\d/.test(value) && letter) || (bothCases && /[^A-Za-z0-9_.-]/.test(value));
}

/** Whether a value bound to a secret-sounding name looks random enough to be the secret itself. */
export function looksLikeSecretValue(value: string): boolean {
  return (
    value.length >= 12 &&
    !value.includes("[REDACTED:") &&
    !placeholder.test(value) &&
    !dottedPath.test(value) &&
    !reference.test(value) &&
    !pathOrUrl.test(value) &&
    !uuid.test(value) &&
    !integrityHash.test(value) &&
    mixesCharacterClasses(value) &&
    !isWordy(value) &&
    shannonEntropy(value) >= 3.5
  );
}

function classifyAssignment(name: string, value: string): SecretKind | undefined {
  if (!looksLikeSecretValue(value)) return undefined;
  if (/^[A-Za-z0-9/+]{40}$/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && awsSecretName.test(name)) return "aws-secret-key";
  if (!genericSecretName.test(name)) return undefined;
  if (commitSha.test(value) && !unambiguousSecretName.test(name)) return undefined;
  return "assignment";
}

type Span = [number, number];

function groupSpan(match: RegExpExecArray, ...groups: number[]): { span: Span; value: string } | undefined {
  for (const group of groups) {
    const span = match.indices?.[group];
    const value = match[group];
    if (span !== undefined && value !== undefined) return { span, value };
  }
  return undefined;
}

/** Values bound to secret-sounding names, and credentials in Authorization headers and URLs. */
export function findAssignedSecrets(text: string, report: ReportMatch): void {
  const pattern = new RegExp(assignment);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    const found = groupSpan(match, 3, 4);
    if (found === undefined) continue;
    const [start, end] = found.span;
    // A bare value followed by "(" is a function being called.
    const kind = text[end] === "(" ? undefined : classifyAssignment(match[1] ?? "", found.value);
    if (kind === undefined) {
      // A quoted value may itself hold an assignment (a URL's ?access_token=…), so look inside it.
      // A bare value cannot (it has no "=" or ":"); resuming after it keeps the scan linear.
      if (match[3] !== undefined) pattern.lastIndex = start;
      continue;
    }
    report({ kind, start, end });
  }
  for (const match of text.matchAll(headerCredential)) {
    const found = groupSpan(match, 1);
    if (found !== undefined && looksLikeSecretValue(found.value)) report({ kind: "assignment", start: found.span[0], end: found.span[1] });
  }
  for (const match of text.matchAll(urlCredential)) {
    const found = groupSpan(match, 1);
    // Any real password in a URL is masked, however weak; only references and masks stay.
    if (found !== undefined && !reference.test(found.value) && !/^[*x]+$|\[REDACTED:/i.test(found.value)) {
      report({ kind: "assignment", start: found.span[0], end: found.span[1] });
    }
  }
}

// Local parts and domains as people write them; bounded so a long run cannot backtrack for long.
const email = /(?<![\w.%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@((?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24})(?![A-Za-z0-9-])/g;
// user@2x.png is an image name, not an address.
const retinaSuffix = /^\d+(?:\.\d+)?x\./i;

/**
 * `git@host` is the SSH user of a remote (git@github.com:owner/repo.git), not a person, so it stays;
 * every other address is masked, GitHub's noreply addresses included, as they name an account.
 */
export function findEmails(text: string, report: ReportMatch): void {
  for (const match of text.matchAll(email)) {
    const domain = match[1] ?? "";
    if (match[0].toLowerCase().startsWith("git@") || retinaSuffix.test(domain)) continue;
    report({ kind: "email", start: match.index, end: match.index + match[0].length });
  }
}
