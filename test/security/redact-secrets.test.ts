import { createHash, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { containsRedactionPlaceholder, findSecrets, redactDeep, redactionPlaceholder, redactSecrets } from "../../src/security/redact-secrets.js";
import type { SecretKind } from "../../src/security/redact-secrets.js";

// Every fake secret is assembled at run time, so this file holds no literal key for scanners to flag.
const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const digits = "0123456789";
const alnum = `${upper}${upper.toLowerCase()}${digits}`;
const base64url = `${alnum}-_`;

/** Deterministic noise (mulberry32): the same "random" characters on every run. */
function noise(length: number, alphabet = alnum, seed = length): string {
  let state = seed * 7919 + 17;
  let out = "";
  for (let i = 0; i < length; i += 1) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    out += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length] ?? "";
  }
  return out;
}

const b64 = (text: string): string => Buffer.from(text).toString("base64url");
const jwt = `${b64('{"alg":"HS256","typ":"JWT"}')}.${b64('{"sub":"1234567890","name":"Mona","iat":1516239022}')}.${noise(43, base64url)}`;
const pem = (label: string, body: string): string => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----`;
const pemBody = `MIIEpAIBAAKCAQEA${noise(48, alnum, 1)}\n${noise(64, alnum, 2)}\n${noise(40, alnum, 3)}==`;

/** A well-shaped fake of each token kind, recognisable by its format alone. */
const tokens: readonly (readonly [SecretKind, string])[] = [
  ["github-token", `ghp_${noise(36)}`],
  ["github-token", `gho_${noise(36, alnum, 2)}`],
  ["github-token", `ghu_${noise(36, alnum, 3)}`],
  ["github-token", `ghs_${noise(36, alnum, 4)}`],
  ["github-token", `ghr_${noise(36, alnum, 5)}`],
  ["github-token", `github_pat_${noise(22)}_${noise(59)}`],
  ["anthropic-key", `sk-ant-api03-${noise(93, base64url)}AA`],
  ["anthropic-key", `sk-ant-admin01-${noise(93, base64url, 9)}AA`],
  ["openai-key", `sk-proj-${noise(74, base64url)}T3BlbkFJ${noise(74, base64url, 3)}`],
  ["openai-key", `sk-svcacct-${noise(58, base64url)}T3BlbkFJ${noise(58, base64url, 4)}`],
  ["openai-key", `sk-admin-${noise(58, base64url, 5)}T3BlbkFJ${noise(58, base64url, 6)}`],
  ["openai-key", `sk-${noise(48)}`],
  ["openai-key", `sk-${noise(20)}T3BlbkFJ${noise(20, alnum, 7)}`],
  ["openai-key", `sk-my-service-${noise(20)}T3BlbkFJ${noise(20, alnum, 8)}`],
  ["aws-access-key", `AKIA${noise(16, upper + digits)}`],
  ["aws-access-key", `ASIA${noise(16, upper + digits, 3)}`],
  ["slack-token", `xoxb-${noise(12, digits)}-${noise(13, digits)}-${noise(24)}`],
  ["slack-token", `xoxp-${noise(12, digits, 2)}-${noise(12, digits, 3)}-${noise(12, digits, 4)}-${noise(32, "abcdef0123456789")}`],
  ["slack-token", `https://hooks.slack.com/services/T${noise(8, upper)}/B${noise(8, upper)}/${noise(24)}`],
  ["stripe-key", `sk_live_${noise(24)}`],
  ["stripe-key", `rk_live_${noise(24, alnum, 3)}`],
  ["google-api-key", `AIza${noise(35, base64url)}`],
  ["jwt", jwt],
];

describe("findSecrets and redactSecrets", () => {
  it.each(tokens)("masks a %s wherever it appears: .env, JSON, YAML, a JS string, prose", (kind, secret) => {
    const placeholder = redactionPlaceholder(kind);
    const contexts = [
      (value: string) => `SETTING=${value}\nDEBUG=false`,
      (value: string) => `{"setting": "${value}", "retries": 3}`,
      (value: string) => `env:\n  setting: ${value}\n  region: eu-west-1`,
      (value: string) => `const client = new Client("${value}");`,
      (value: string) => `Oops, I pasted ${value} into the issue. Can you rotate it?`,
    ];

    for (const context of contexts) {
      expect(redactSecrets(context(secret))).toEqual({ text: context(placeholder), count: 1 });
    }
  });

  it("names the specific kind when a known token is assigned to a secret-sounding name", () => {
    const key = `sk-ant-api03-${noise(93, base64url)}AA`;
    expect(redactSecrets(`ANTHROPIC_API_KEY="${key}"`).text).toBe('ANTHROPIC_API_KEY="[REDACTED:anthropic-key]"');
    expect(findSecrets(`GITHUB_TOKEN=ghp_${noise(36)}`)).toEqual([{ kind: "github-token", start: 13, end: 53 }]);
  });

  it("classifies sk-ant- keys as Anthropic, even when they contain the OpenAI marker", () => {
    const key = `sk-ant-api03-${noise(30, base64url)}T3BlbkFJ${noise(55, base64url)}AA`;
    expect(findSecrets(`key: ${key}`).map((match) => match.kind)).toEqual(["anthropic-key"]);
  });

  it("masks AWS secret keys assigned to a name mentioning aws or secret", () => {
    const secret = noise(40, `${alnum}/+`);
    expect(redactSecrets(`aws_secret_access_key = ${secret}`).text).toBe("aws_secret_access_key = [REDACTED:aws-secret-key]");
    expect(redactSecrets(`export AWS_SECRET_ACCESS_KEY="${secret}"`).text).toBe('export AWS_SECRET_ACCESS_KEY="[REDACTED:aws-secret-key]"');
    expect(redactSecrets(`{"SecretAccessKey": "${secret}"}`).text).toBe('{"SecretAccessKey": "[REDACTED:aws-secret-key]"}');
  });

  it.each(["RSA PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "PRIVATE KEY", "PGP PRIVATE KEY BLOCK"])(
    "masks a whole %s block, from the BEGIN line through the END line",
    (label) => {
      const text = `Here is the deploy key:\n\n${pem(label, pemBody)}\n\nThanks!`;
      expect(redactSecrets(text)).toEqual({ text: "Here is the deploy key:\n\n[REDACTED:private-key]\n\nThanks!", count: 1 });
    },
  );

  it("masks private keys with armour headers, inside JSON strings, and cut off before their END line", () => {
    const encrypted = pem("RSA PRIVATE KEY", `Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,${noise(32, "0123456789ABCDEF")}\n\n${pemBody}`);
    expect(redactSecrets(encrypted).text).toBe("[REDACTED:private-key]");

    const serviceAccount = JSON.stringify({ type: "service_account", private_key: `${pem("PRIVATE KEY", pemBody)}\n`, client_id: "1234" });
    expect(redactSecrets(serviceAccount).text).toBe('{"type":"service_account","private_key":"[REDACTED:private-key]\\n","client_id":"1234"}');

    const truncated = `-----BEGIN OPENSSH PRIVATE KEY-----\n${pemBody}\n[log truncated]`;
    expect(redactSecrets(truncated).text).toBe("[REDACTED:private-key]\n[log truncated]");
  });

  it("masks high-entropy values assigned to secret-sounding names, keeping the name", () => {
    const value = noise(24, `${alnum}!#%*`);
    const cases: readonly (readonly [string, string])[] = [
      [`DB_PASSWORD=${value}`, "DB_PASSWORD=[REDACTED:assignment]"],
      [`API_KEY='${value}'`, "API_KEY='[REDACTED:assignment]'"],
      [`{"apiKey": "${value}"}`, '{"apiKey": "[REDACTED:assignment]"}'],
      [`client-secret: ${value}`, "client-secret: [REDACTED:assignment]"],
      [`spring.datasource.password=${value}`, "spring.datasource.password=[REDACTED:assignment]"],
      [`authToken := "${value}"`, 'authToken := "[REDACTED:assignment]"'],
      [`'passwd' => '${value}',`, "'passwd' => '[REDACTED:assignment]',"],
      [`const Credentials = \`${value}\`;`, "const Credentials = `[REDACTED:assignment]`;"],
      [`login --pwd=${value}`, "login --pwd=[REDACTED:assignment]"],
      ["DB_PASSWORD=Summer2024Password!", "DB_PASSWORD=[REDACTED:assignment]"],
      [`WEBHOOK_KEY=${noise(32, "0123456789abcdef")}`, "WEBHOOK_KEY=[REDACTED:assignment]"],
      [`GH_TOKEN=${createHash("sha1").update("legacy").digest("hex")}`, "GH_TOKEN=[REDACTED:assignment]"],
      [`"auth": "mona-${noise(14)}"`, '"auth": "[REDACTED:assignment]"'],
      [`callback?x=1&access_token=${value}`, "callback?x=1&access_token=[REDACTED:assignment]"],
      [`token_url: "https://api.example.com/cb?token=${value}"`, 'token_url: "https://api.example.com/cb?token=[REDACTED:assignment]"'],
      [`Authorization: Bearer ${noise(32, `${alnum}._~+/`)}`, "Authorization: Bearer [REDACTED:assignment]"],
      [`curl -H "Authorization: Basic ${Buffer.from(`deploy:${value}`).toString("base64")}"`, 'curl -H "Authorization: Basic [REDACTED:assignment]"'],
      [`DATABASE_URL=postgres://app:${value}@db.internal:5432/app`, "DATABASE_URL=postgres://app:[REDACTED:assignment]@db.internal:5432/app"],
    ];

    for (const [text, redacted] of cases) expect(redactSecrets(text).text).toBe(redacted);
  });

  it("leaves ordinary code, placeholders, hashes and prose untouched", () => {
    const sha = createHash("sha1").update("commit").digest("hex");
    const integrity = `sha512-${createHash("sha512").update("left-pad").digest("base64")}`;
    const untouched = [
      "const token = getToken();",
      "token = getToken()",
      "function login(user: string, password: string): Promise<void>;",
      "const secretKey = process.env.SECRET_KEY;",
      "const apiKey = os.environ['API_KEY_2024']",
      "headers: { authorization: `Bearer ${token}` }",
      'const key = "user-profile-settings";',
      "apiKey: generateApiKey20240101()",
      "API_KEY=xxxxxxxxxxxx",
      'API_KEY="xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
      "OPENAI_API_KEY=your-api-key-here",
      "GITHUB_TOKEN=<YOUR_TOKEN>",
      "password: changeme",
      "secret: ${{ secrets.DEPLOY_KEY }}",
      "SECRET_KEY=$DJANGO_SECRET_KEY_2",
      `commit ${sha} fixed the build`,
      `{"sha": "${sha}", "cache-key": "${sha}"}`,
      `api_key: ${randomUUID()}`,
      `"integrity": "${integrity}",`,
      `  resolution: {integrity: ${integrity}}`,
      "tokenizer_name: meta-llama/Llama-2-7b-hf",
      "keyFile: /etc/ssl/private/server2.key",
      `"author": "mona-${noise(14)}",`,
      "The API key goes in the Authorization header; the token expires after 8 hours.",
      "Ask for a secret: a password-manager is the safest place for credentials.",
      "ssh: git@github.com:acme/calc.git",
      "redis://:${REDIS_PASSWORD}@cache:6379",
      "amqp://guest:guest@localhost:5672 and http://foo:bar@localhost:8080",
      "this.#state.githubToken = options?.githubToken ?? config.auth.token;",
      "const hasExclamationToken = !!node.exclamationToken;",
      "type ClosingParenToken = ClosingParenToken$1;",
      "module.exports = { isKeywordES5: isKeywordES5, k8sToken: k8sServiceAccountTokenProvider };",
      "PWD: '/Users/mona/src/calc2024'",
      "export const TOKEN_ENDPOINT = '/v1/oauth2/token';",
      'const VALID_KEY_CHAR_RANGE = "[_0-9a-z-*/]";',
      `const publicKey = "${noise(44, `${alnum}+/`)}";`,
      'const pkcs1Begin = "-----BEGIN RSA PRIVATE KEY-----";',
      'createAppAuth({ appId: 1, privateKey: "-----BEGIN PRIVATE KEY-----\\n..." });',
    ];

    for (const text of untouched) expect(redactSecrets(text, { emails: true })).toEqual({ text, count: 0 });
  });

  it("returns matches sorted and non-overlapping, merging spans found by two detectors", () => {
    const github = `ghp_${noise(36)}`;
    const text = `b: AKIA${noise(16, upper + digits)} a: ${github} token="${github}"`;
    const matches = findSecrets(text);

    expect(matches.map((match) => match.kind)).toEqual(["aws-access-key", "github-token", "github-token"]);
    for (const [i, match] of matches.entries()) {
      expect(match.end).toBeGreaterThan(match.start);
      expect(match.start).toBeGreaterThanOrEqual(matches[i - 1]?.end ?? 0);
    }
  });

  it("counts every secret masked", () => {
    const text = `A=ghp_${noise(36)} B=AIza${noise(35, base64url)} C=${jwt}\n${pem("EC PRIVATE KEY", pemBody)}`;
    const redacted = redactSecrets(text);

    expect(redacted.count).toBe(4);
    expect(redacted.text.match(/\[REDACTED:[a-z-]+\]/g)).toHaveLength(4);
  });
});

describe("e-mail addresses", () => {
  const text = "Reported by jane.doe+calc@example.co.uk and 4153+mona@users.noreply.github.com; clone git@github.com:acme/calc.git; logo@2x.png";

  it("are left alone unless asked for", () => {
    expect(redactSecrets(text)).toEqual({ text, count: 0 });
  });

  it("are masked on request, noreply addresses included, but not SSH remotes or image names", () => {
    expect(redactSecrets(text, { emails: true })).toEqual({
      text: "Reported by [REDACTED:email] and [REDACTED:email]; clone git@github.com:acme/calc.git; logo@2x.png",
      count: 2,
    });
  });
});

describe("idempotence", () => {
  const everything = [
    ...tokens.map(([, secret]) => `value: ${secret}`),
    `DB_PASSWORD="${noise(20, `${alnum}#%`)}"`,
    `aws_secret_access_key=${noise(40, `${alnum}/+`)}`,
    `url: https://deploy:${noise(16)}@example.com`,
    pem("RSA PRIVATE KEY", pemBody),
    "contact: mona@example.com",
  ].join("\n");

  it("masks nothing more the second time, and placeholders are not taken for secrets", () => {
    const once = redactSecrets(everything, { emails: true });
    const twice = redactSecrets(once.text, { emails: true });

    expect(once.count).toBe(tokens.length + 5);
    expect(twice).toEqual({ text: once.text, count: 0 });
    expect(findSecrets(once.text, { emails: true })).toEqual([]);
  });

  it("recognises placeholders", () => {
    expect(redactionPlaceholder("jwt")).toBe("[REDACTED:jwt]");
    expect(containsRedactionPlaceholder(redactSecrets(everything).text)).toBe(true);
    expect(containsRedactionPlaceholder("API_KEY=[REDACTED:assignment]")).toBe(true);
    expect(containsRedactionPlaceholder("[REDACTED:something-else] or [REDACTED]")).toBe(false);
  });
});

describe("redactDeep", () => {
  it("masks every string in nested objects and arrays, returning a new value and the count", () => {
    const github = `ghp_${noise(36)}`;
    const input = {
      title: "Leaked token",
      body: `Use ${github} for CI`,
      labels: ["bug", { name: `key=${noise(20, `${alnum}%`)}` }],
      meta: { count: 2, draft: false, closedAt: null, author: { email: "mona@example.com" } },
    };
    const snapshot = structuredClone(input);

    const { value, count } = redactDeep(input, { emails: true });

    expect(value).toEqual({
      title: "Leaked token",
      body: "Use [REDACTED:github-token] for CI",
      labels: ["bug", { name: "key=[REDACTED:assignment]" }],
      meta: { count: 2, draft: false, closedAt: null, author: { email: "[REDACTED:email]" } },
    });
    expect(count).toBe(3);
    expect(input).toEqual(snapshot);
    expect(value).not.toBe(input);
  });

  it("keeps object keys, passes non-strings through and survives cycles", () => {
    interface Cyclic {
      name: string;
      self?: Cyclic;
    }
    const node: Cyclic = { name: `ghp_${noise(36)}` };
    node.self = node;

    const { value, count } = redactDeep({ "mona@example.com": 1, node, list: [1, true, undefined] }, { emails: true });

    expect(Object.keys(value)).toEqual(["mona@example.com", "node", "list"]);
    expect(value.node.name).toBe("[REDACTED:github-token]");
    expect(value.node.self).toBe(value.node);
    expect(value.list).toEqual([1, true, undefined]);
    expect(count).toBe(1);
    expect(redactDeep("plain string").value).toBe("plain string");
  });
});

describe("performance", () => {
  function timed(text: string): number {
    const started = performance.now();
    redactSecrets(text, { emails: true });
    return performance.now() - started;
  }

  it("redacts a 1 MB file with secrets in it quickly", () => {
    const chunk = [
      "import { readFile } from 'node:fs/promises';",
      "export async function load(path: string): Promise<string> { return readFile(path, 'utf8'); }",
      `const config = { apiKey: process.env.API_KEY, region: "eu-west-1", retries: 3 };`,
      `GITHUB_TOKEN=ghp_${noise(36)}`,
      `// contact mona@example.com, commit ${createHash("sha1").update("x").digest("hex")}`,
      `DB_PASSWORD="${noise(20, `${alnum}#%`)}"`,
    ].join("\n");
    const text = `${chunk}\n`.repeat(Math.ceil(1_000_000 / (chunk.length + 1))).slice(0, 1_000_000);

    timed(text);
    // Loose bound for a noisy machine; it typically takes a few tens of milliseconds.
    expect(timed(text)).toBeLessThan(1_000);
  });

  it.each([
    ["a= repeated", "a=".repeat(100_000)],
    ["secret names without values", "api_key: ".repeat(100_000)],
    ["assignments chained without spaces", "key=".repeat(250_000)],
    ["unclosed quotes", 'token="'.repeat(100_000)],
    ["secret words in one endless name", `${"token".repeat(200_000)}=`],
    ["BEGIN lines without END", "-----BEGIN RSA PRIVATE KEY-----\n".repeat(30_000)],
    ["prefixes without tokens", "sk-ghp_AIzaxoxb-eyJ.".repeat(50_000)],
    ["OpenAI markers without a prefix", "T3BlbkFJ".repeat(125_000)],
    ["almost e-mail addresses", "a.".repeat(500_000)],
    ["almost URLs with credentials", "http://a:".repeat(100_000)],
    ["one long word", "a".repeat(1_000_000)],
  ])("does not backtrack catastrophically on %s", (_name, text) => {
    expect(timed(text)).toBeLessThan(1_000);
  });
});
