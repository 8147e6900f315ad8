import { describe, expect, it } from "vitest";
import { readSettings, SettingsError } from "../../src/config/settings.js";

function refusal(env: NodeJS.ProcessEnv): SettingsError {
  try {
    readSettings(env);
  } catch (error) {
    if (error instanceof SettingsError) return error;
    throw error;
  }
  throw new Error("expected the settings to be refused");
}

describe("readSettings", () => {
  it("uses the defaults when nothing is set", () => {
    expect(readSettings({})).toMatchObject({
      databasePath: ".orchestrator/orchestrator.db",
      label: "orchestrator",
      model: "claude-sonnet-5-5",
      contextTokens: 60_000,
      workerConcurrency: 4,
      workerLeaseMs: 300_000,
      runWorker: true,
      anthropic: { apiKey: undefined, baseUrl: undefined },
      appId: undefined,
    });
  });

  it("reads every variable it knows, turning numbers into numbers", () => {
    const settings = readSettings({
      DATABASE_PATH: "/var/lib/orchestrator/db.sqlite",
      ORCHESTRATOR_LABEL: "  robot  ",
      ORCHESTRATOR_MODEL: "claude-haiku-5-5",
      ORCHESTRATOR_CONTEXT_TOKENS: "20000",
      WORKER_CONCURRENCY: "8",
      WORKER_LEASE_SECONDS: "30",
      ORCHESTRATOR_WORKER: "off",
      ANTHROPIC_API_KEY: "sk-ant-test",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:4000/anthropic",
      APP_ID: "123456",
    });

    expect(settings).toMatchObject({
      databasePath: "/var/lib/orchestrator/db.sqlite",
      label: "robot",
      model: "claude-haiku-5-5",
      contextTokens: 20_000,
      workerConcurrency: 8,
      workerLeaseMs: 30_000,
      runWorker: false,
      anthropic: { apiKey: "sk-ant-test", baseUrl: "http://127.0.0.1:4000/anthropic" },
      appId: 123_456,
    });
  });

  it("treats an empty variable as unset", () => {
    const settings = readSettings({ DATABASE_PATH: "", WORKER_CONCURRENCY: "", ANTHROPIC_API_KEY: "", ANTHROPIC_BASE_URL: "", APP_ID: "" });

    expect(settings).toMatchObject({ databasePath: ".orchestrator/orchestrator.db", workerConcurrency: 4, anthropic: { apiKey: undefined, baseUrl: undefined }, appId: undefined });
  });

  it("ignores variables that are not its own", () => {
    expect(() => readSettings({ PATH: "/usr/bin", PRIVATE_KEY: "-----BEGIN", WORKER_CONCURRENCYY: "lots" })).not.toThrow();
  });

  it.each([
    { name: "WORKER_CONCURRENCY", value: "0", hint: "expected a whole number from 1 to 64, e.g. WORKER_CONCURRENCY=4" },
    { name: "WORKER_CONCURRENCY", value: "two", hint: "expected a whole number from 1 to 64" },
    { name: "WORKER_CONCURRENCY", value: "2.5", hint: "expected a whole number from 1 to 64" },
    { name: "ORCHESTRATOR_CONTEXT_TOKENS", value: "500", hint: "expected a whole number of tokens between 1000 and 1000000, e.g. 60000" },
    { name: "ORCHESTRATOR_LABEL", value: "   ", hint: "expected a GitHub label name, e.g. ORCHESTRATOR_LABEL=orchestrator" },
    { name: "ORCHESTRATOR_LABEL", value: "x".repeat(51), hint: "expected a GitHub label name" },
    { name: "WORKER_LEASE_SECONDS", value: "7200", hint: "expected a whole number of seconds from 1 to 3600" },
    { name: "ORCHESTRATOR_WORKER", value: "yes", hint: "expected on (receive webhooks and run jobs) or off (receive webhooks only)" },
    { name: "ANTHROPIC_BASE_URL", value: "api.anthropic.com", hint: "expected a URL such as https://api.anthropic.com, or leave it unset" },
    { name: "APP_ID", value: "-3", hint: "expected your GitHub App's numeric id, from its settings page" },
  ])("refuses $name=$value and says what to write instead", ({ name, value, hint }) => {
    const error = refusal({ [name]: value });

    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Invalid settings in the environment:");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(new RegExp(`^- ${name}: .+; ${hint.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}`));
  });

  it("reports every invalid variable at once", () => {
    const error = refusal({ WORKER_CONCURRENCY: "0", APP_ID: "abc", ANTHROPIC_BASE_URL: "nope", DATABASE_PATH: "ok.db" });

    const lines = error.message.split("\n").slice(1);
    expect(lines).toHaveLength(3);
    expect(lines.map((l) => /^- (\w+):/.exec(l)?.[1]).sort()).toEqual(["ANTHROPIC_BASE_URL", "APP_ID", "WORKER_CONCURRENCY"]);
    for (const line of lines) expect(line).toContain("; expected ");
  });

  it("asks for everything GitHub sign-in needs once dashboard users are named", () => {
    const error = refusal({ ORCHESTRATOR_DASHBOARD_USERS: "mona", GITHUB_CLIENT_ID: "Iv1.abc" });
    expect(error.message).toContain("ORCHESTRATOR_DASHBOARD_USERS asks for GitHub sign-in on the dashboard, which also needs GITHUB_CLIENT_SECRET, ORCHESTRATOR_PUBLIC_URL");
  });

  it("derives GitHub's addresses: github.com, an Enterprise Server by GHE_HOST or by its web address", () => {
    expect(readSettings({}).github).toEqual({ webUrl: "https://github.com", apiUrl: "https://api.github.com" });
    expect(readSettings({ GHE_HOST: "ghe.example.com" }).github).toEqual({ webUrl: "https://ghe.example.com", apiUrl: "https://ghe.example.com/api/v3" });
    expect(readSettings({ ORCHESTRATOR_GITHUB_URL: "https://ghe.example.com/" }).github).toEqual({ webUrl: "https://ghe.example.com", apiUrl: "https://ghe.example.com/api/v3" });
  });

  it("reads the dashboard's settings", () => {
    const settings = readSettings({ ORCHESTRATOR_PUBLIC_URL: "https://orchestrator.example.com/", ORCHESTRATOR_DASHBOARD_USERS: " mona, hubot ,", GITHUB_CLIENT_ID: "Iv1.abc", GITHUB_CLIENT_SECRET: "s3cret" });
    expect(settings.publicUrl).toBe("https://orchestrator.example.com");
    expect(settings.dashboard.users).toEqual(["mona", "hubot"]);
    expect(refusal({ ORCHESTRATOR_DASHBOARD_TOKEN: "too-short" }).message).toContain("ORCHESTRATOR_DASHBOARD_TOKEN");
  });
});
