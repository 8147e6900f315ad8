/**
 * The shapes of the secrets we mask before text reaches a model, a log or a comment. Each detector
 * reports candidate spans and redact-secrets.ts merges the overlaps. Every pattern is either a
 * literal prefix followed by runs of single character classes or bounded, so hostile text cannot
 * make it backtrack for long; the scans that could (private keys, OpenAI's marker form) are
 * written out by hand.
 *
 * Formats follow the providers' documentation and the gitleaks rule set.
 */
export const secretKinds = [
  "github-token", "anthropic-key", "openai-key", "aws-access-key", "aws-secret-key", "private-key",
  "slack-token", "stripe-key", "google-api-key", "jwt", "assignment", "email",
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
  // Whoever holds an incoming-webhook address can post to the channel.
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
// from "sk-" would try up to the prefix bound at every "sk-"; searching back from each marker, never
// over text already searched, keeps the cost linear.
const openAiMarker = "T3BlbkFJ";
const markerPrefixBound = 160;
const keyTail = /[A-Za-z0-9_-]*/y;

function isWordCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
}

function isKeyCode(code: number): boolean {
  return isWordCode(code) || code === 45;
}

/** The first "sk-" in [from, to) that starts a word and is not an Anthropic key, or -1. */
function findKeyPrefix(text: string, from: number, to: number): number {
  for (let i = from; i + 3 <= to; i += 1) {
    if (text.startsWith("sk-", i) && (i === 0 || !isWordCode(text.charCodeAt(i - 1))) && !text.startsWith("ant-", i + 3)) return i;
  }
  return -1;
}

function findOpenAiMarkedKeys(text: string, report: ReportMatch): void {
  const tail = new RegExp(keyTail);
  let searchedUpTo = 0;
  for (let at = text.indexOf(openAiMarker); at !== -1; ) {
    let runStart = at;
    const limit = Math.max(searchedUpTo, at - markerPrefixBound);
    while (runStart > limit && isKeyCode(text.charCodeAt(runStart - 1))) runStart -= 1;
    const prefix = findKeyPrefix(text, runStart, at);
    // The tail is measured only after a prefix is found: every marker in a long run would rescan it.
    let end = -1;
    if (prefix !== -1) {
      tail.lastIndex = at + openAiMarker.length;
      tail.exec(text);
      end = tail.lastIndex;
    }
    if (prefix !== -1 && end - at - openAiMarker.length >= 10) {
      report({ kind: "openai-key", start: prefix, end });
      searchedUpTo = end;
    } else {
      searchedUpTo = at;
    }
    at = text.indexOf(openAiMarker, Math.max(at + 1, searchedUpTo));
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

// A line of a key's base64; the shortest real key body has several.
const keyMaterial = /[A-Za-z0-9+/]{24,}/;

interface Found {
  readonly index: number;
  readonly end: number;
}

/** The next match at or after a position, searched for again only once a position passes it. */
function forwardSearch(pattern: RegExp, text: string): (from: number) => Found | undefined {
  const own = new RegExp(pattern);
  let searched = false;
  let found: Found | undefined;
  return (from) => {
    if (!searched || (found !== undefined && found.index < from)) {
      own.lastIndex = from;
      const match = own.exec(text);
      found = match === null ? undefined : { index: match.index, end: match.index + match[0].length };
      searched = true;
    }
    return found;
  };
}

/**
 * Masks from BEGIN through END when only armour, with some base64 in it, lies between them. The next END and the next
 * foreign character are remembered, so a run of BEGIN lines without an END costs one pass over the
 * text, not one per line.
 */
export function findPrivateKeys(text: string, report: ReportMatch): void {
  const begin = new RegExp(pemBegin);
  const armour = new RegExp(pemArmourLines);
  const nextEnd = forwardSearch(pemEnd, text);
  const nextForeign = forwardSearch(pemForeign, text);
  for (let header = begin.exec(text); header !== null; header = begin.exec(text)) {
    const bodyStart = header.index + header[0].length;
    const end = nextEnd(bodyStart);
    let stop: number;
    let bodyEnd: number;
    if (end !== undefined && end.index <= (nextForeign(bodyStart)?.index ?? text.length)) {
      [bodyEnd, stop] = [end.index, end.end];
    } else {
      armour.lastIndex = bodyStart;
      armour.exec(text);
      bodyEnd = stop = armour.lastIndex;
    }
    // Code and docs name the header alone ("-----BEGIN RSA PRIVATE KEY-----\n..."); no key there.
    if (keyMaterial.test(text.slice(bodyStart, bodyEnd))) report({ kind: "private-key", start: header.index, end: stop });
    begin.lastIndex = stop;
  }
}

// Names that say their value is a credential. "author" and "authority" are not; "authorization" is.
const genericWord = String.raw`key|secret|token|passw(?:or)?d|passphrase|pwd|credential|auth(?!or(?!iz))`;
const genericSecretName = new RegExp(genericWord, "i");
// A 40-hex value is a commit SHA unless the name leaves no doubt (legacy GitHub tokens are 40 hex).
const unambiguousSecretName = /secret|token|passw|pwd|credential/i;
const awsSecretName = /aws|secret/i;
const passwordName = /passw|pwd|passphrase/i;
// Public keys and NEXT_PUBLIC_* settings are published by design.
const publicName = /public|pub_?key/i;

/**
 * `name = value`, `name: value`, `name := value`, `name => value`, the name optionally quoted (JSON,
 * PHP arrays) and the value quoted or bare. Names are bounded and values stop at whitespace; a
 * bare value also stops at punctuation that ends an expression and at "=" or ":" (bar base64 padding).
 * The search starts at the secret word and looks back for the start of the name: starting at every
 * word and looking ahead for the secret word costs three times as much on ordinary code.
 */
const assignment = new RegExp(
  String.raw`(?:${genericWord}|aws)(?<=(?<![\w.-])([\w.-]{0,64}))([\w.-]{0,64})["']?[ \t]*(?::=|=>|=|:)[ \t]*` +
    String.raw`(?:(["'\x60])([^\s"'\x60\\]{12,})\3|([^\s"'\x60\\,;()[\]{}<>&|=:]{12,}={0,3}))`,
  "dgi",
);
const headerCredential = /\b(?:[Bb]earer|[Bb]asic)[ \t]+([A-Za-z0-9._~+/=-]{12,})/dg;
// scheme://user:password@host; the user may be empty (redis://:password@host). Anchored on "://".
const urlCredential = /:\/\/(?<=[A-Za-z0-9]:\/\/)([^\s:/@"'<>[\]]{0,128}):([^\s/@"'<>[\]]{1,256})@/dg;

// Values people write in place of a secret, in examples and templates.
const placeholder = /your|example|sample|placeholder|dummy|change[-_]?me|replace[-_]?me|redacted|xxxx|\*\*\*|\.\.\.|[<>]/i;
// References to a secret rather than the secret: process.env.X, this.#state.x, options?.x, !!a.b,
// $X, ${X}, {{ X }}, %X%, `::` paths.
const dottedPath = /^!*#?[A-Za-z_$][\w$]*(?:[?!]?\.#?[A-Za-z_$][\w$]*)+$/;
const reference = /^(?:\$[A-Za-z_{(]|%\w+%$|[:=])|\$\{|\{\{/;
const url = /^[a-z][a-z0-9+.-]*:\/\//i;
// PWD is the working directory as often as a password.
const filePath = /^(?:~|\.{1,2})?\//;
// Regular expression classes and array literals: [_0-9a-z-*/].
const bracketed = /^\[.*\]$/;
// Documentation writes scheme://user:password@host; so do masks (user:****@host).
const urlPasswordWord = /^(?:pass(?:word)?|passwd|pwd|secret|token|\*+|x+|\[REDACTED:[a-z-]+\])$/i;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const integrityHash = /^(?:sha(?:1|256|384|512)|md5)[-:]/i;
const commitSha = /^[0-9a-f]{40}$/i;
// Identifiers, paths and names made of words (meta-llama/Llama-2-7b-hf, k8sServiceAccountProvider,
// /etc/ssl/server2.key, Token$1): chunks between separators read as words, or the words are long.
// Random secrets change case and digit every char or two.
const wordChunk = /^(?:[A-Z]?[a-z]+\d{0,3}|[A-Z]+\d{0,3}|\d+|\d{1,3}[A-Za-z]{1,2}|[a-z]{1,2}\d{1,3})$/;
const word = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+/g;

function isWordy(value: string): boolean {
  if (value.length > 256) return false;
  if (value.split(/[-_./:+$]+/).every((chunk) => chunk === "" || wordChunk.test(chunk))) return true;
  const words = value.match(word) ?? [];
  return words.join("").length >= 3.5 * words.length;
}

/** Shannon entropy in bits per character (code point). */
export function shannonEntropy(value: string): number {
  const counts = new Map<string, number>();
  let length = 0;
  for (const char of value) {
    counts.set(char, (counts.get(char) ?? 0) + 1);
    length += 1;
  }
  let bits = 0;
  for (const count of counts.values()) bits -= (count / length) * Math.log2(count / length);
  return bits;
}

/**
 * 3.5 bits per character, except where the value's length or alphabet caps what even a random value
 * reaches (12 characters give at most log2 12 ≈ 3.58 bits, hex at most 4): there 85% of that cap
 * (80% for hex), so short and hex secrets are not missed for being short or hex.
 */
function entropyThreshold(value: string): number {
  // Random hex spreads less evenly over its 16 symbols in the lengths keys come in (32, 40).
  if (/^[0-9a-f]+$/i.test(value)) return 0.8 * Math.log2(Math.min(value.length, 16));
  return Math.min(3.5, 0.85 * Math.log2(value.length));
}

/** Letters with digits, or both cases: what generated secrets have and words in one case lack. */
function mixesCharacterClasses(value: string): boolean {
  const lower = /[a-z]/.test(value);
  const upper = /[A-Z]/.test(value);
  return (lower && upper) || ((lower || upper) && /\d/.test(value));
}

/**
 * Whether a value bound to a secret-sounding name looks random enough to be the secret itself.
 * Keys and tokens are generated at random; passwords are often chosen from words, so for those
 * `wordsAllowed` skips the test that tells identifiers from random text (paths still fail it).
 */
export function looksLikeSecretValue(value: string, wordsAllowed = false): boolean {
  // Cheapest tests first: most candidates in ordinary code fail on length, mix or entropy.
  return (
    value.length >= 12 &&
    mixesCharacterClasses(value) &&
    shannonEntropy(value) >= entropyThreshold(value) &&
    !value.includes("[REDACTED:") &&
    !placeholder.test(value) &&
    !dottedPath.test(value) &&
    !reference.test(value) &&
    !url.test(value) &&
    !bracketed.test(value) &&
    !uuid.test(value) &&
    !integrityHash.test(value) &&
    !(isWordy(value) && (!wordsAllowed || filePath.test(value)))
  );
}

function classifyAssignment(name: string, value: string): SecretKind | undefined {
  // `{ apiKey: apiKey }` and `exports.apiKey = apiKey` name a variable, not a value.
  if (value === name || publicName.test(name) || !looksLikeSecretValue(value, passwordName.test(name))) return undefined;
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
    const found = groupSpan(match, 4, 5);
    if (found === undefined) continue;
    const [start, end] = found.span;
    // A bare value followed by "(" is a function being called.
    const kind = text[end] === "(" ? undefined : classifyAssignment(`${match[1] ?? ""}${match[2] ?? ""}`, found.value);
    if (kind === undefined) {
      // A quoted value may itself hold an assignment (a URL's ?access_token=…), so look inside it.
      // A bare value cannot (it has no "=" or ":"); resuming after it keeps the scan linear.
      if (match[4] !== undefined) pattern.lastIndex = start;
      continue;
    }
    report({ kind, start, end });
  }
  for (const match of text.matchAll(headerCredential)) {
    const found = groupSpan(match, 1);
    if (found !== undefined && looksLikeSecretValue(found.value)) report({ kind: "assignment", start: found.span[0], end: found.span[1] });
  }
  for (const match of text.matchAll(urlCredential)) {
    const found = groupSpan(match, 2);
    const user = match[1] ?? "";
    // A real password in a URL is masked however weak. References, masks, placeholders and the
    // fillers of examples (foo:bar, abc:xyz) stay, and so do defaults that repeat the user
    // (guest:guest, postgres:postgres).
    if (found === undefined || found.value === user || found.value.length < 4) continue;
    if (!reference.test(found.value) && !placeholder.test(found.value) && !urlPasswordWord.test(found.value)) {
      report({ kind: "assignment", start: found.span[0], end: found.span[1] });
    }
  }
}
