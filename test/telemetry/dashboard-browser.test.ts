/*
 * The dashboard page as a person sees it: two tasks played end to end on the simulators into one
 * database, the page written by the real CLI, loaded in headless Chromium with JavaScript off.
 * Needs Debian's chromium (`apt-get install -y chromium`; .ci/run installs it).
 */
import { execFile } from "node:child_process";
import { accessSync, constants, existsSync, mkdirSync, statSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import type { Browser, Locator, Page } from "playwright-core";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { OpenApiValidator } from "../../src/sim/github/openapi/openapi-validator.js";
import { loadScenario } from "../../src/sim/scenario/load-scenario.js";
import { runScenario } from "../../src/sim/scenario/run-scenario.js";
import type { Scenario, ScenarioStep } from "../../src/sim/scenario/scenario-schema.js";
import { openDatabase } from "../../src/store/open-database.js";
import type { StoredSpan } from "../../src/store/spans.js";
import { insertSpans } from "../../src/store/spans.js";
import { listTasks } from "../../src/store/tasks.js";
import { readSettings } from "../../src/config/settings.js";
import { AnthropicClient } from "../../src/llm/anthropic-client.js";
import { createAppCredentials, startApp } from "../../src/sim/scenario/start-app.js";
import { useTempFolder } from "../support/temp-database.js";

const run = promisify(execFile);
const folder = useTempFolder();
const screenshotPath = fileURLToPath(new URL("../../test-results/dashboard.png", import.meta.url));
const servedScreenshotPath = fileURLToPath(new URL("../../test-results/dashboard-served.png", import.meta.url));

function findChromium(): string {
  const found = (process.env.PATH ?? "")
    .split(delimiter)
    .map((dir) => join(dir, "chromium"))
    .find((path) => {
      try {
        accessSync(path, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
  if (found === undefined) {
    throw new Error("Chromium is not installed (no `chromium` on PATH). Install Debian's: `sudo apt-get update && sudo apt-get install -y chromium` (.ci/run does this on CI).");
  }
  return found;
}

/**
 * ci-failure after happy in the same database: its own repository name, and a quiet wait first so
 * the runner follows its new task rather than happy's finished one. A person merges the pull
 * request instead of approving it, so the page has a merged PR to cost.
 */
function ciFailureMerged(): Scenario {
  const scenario = loadScenario("ci-failure");
  const label = scenario.steps.find((s) => "label" in s);
  if (!label) throw new Error("the ci-failure scenario no longer labels its issue");
  const steps: ScenarioStep[] = [label, { waitFor: { quiet: true, timeoutMs: 60_000 } }, { waitFor: { state: "awaiting_review", timeoutMs: 60_000 } }, { close: { by: "mona", merge: true } }, { waitFor: { state: "done" } }];
  return { ...scenario, repo: { ...scenario.repo, name: "calculator-ci" }, steps };
}

function span(taskId: number, spanId: string, name: string, kind: StoredSpan["kind"], startedAt: number, durationMs: number, status: "ok" | "error" = "ok"): StoredSpan {
  return { spanId, traceId: "e".repeat(32), parentSpanId: null, taskId, name, kind, startedAt, durationMs, status, statusMessage: status === "error" ? "502 Bad Gateway" : null, attributes: {} };
}

async function attributes(locator: Locator, name: string): Promise<(string | null)[]> {
  return Promise.all((await locator.all()).map((element) => element.getAttribute(name)));
}

function rows(page: Page, chart: string, selector: string): Promise<(string | null)[]> {
  return attributes(page.locator(`svg[data-chart="${chart}"] ${selector}`), "data-row");
}

describe("the dashboard page in a browser", () => {
  it("draws every chart with its marks from two scenarios' real data, with JavaScript off and no request leaving the page", async () => {
    const executablePath = findChromium();
    const databasePath = join(folder.path(), "orchestrator.db");
    const githubValidator = OpenApiValidator.load();
    await runScenario(loadScenario("happy"), { databasePath, githubValidator });
    await runScenario(ciFailureMerged(), { databasePath, githubValidator });

    const db = openDatabase(databasePath);
    const tasks = listTasks(db);
    const [happy, ciFailure] = tasks;
    if (!happy || !ciFailure) throw new Error(`expected two tasks, found ${tasks.length}`);
    expect([happy.state, ciFailure.state, ciFailure.repo]).toEqual(["done", "done", "calculator-ci"]);
    // Spans as the tracer records them (it may have recorded its own too): a phase, a GitHub request that failed, something else.
    const at = ciFailure.createdAt;
    const spanIds = ["a1a1a1a1a1a1a1a1", "b2b2b2b2b2b2b2b2", "c3c3c3c3c3c3c3c3"];
    insertSpans(db, [
      span(ciFailure.id, spanIds[0] ?? "", "phase planning", "phase", at + 5, 40),
      span(ciFailure.id, spanIds[1] ?? "", "POST /repos/{owner}/{repo}/pulls", "github", at + 60, 12, "error"),
      span(ciFailure.id, spanIds[2] ?? "", "report done", "other", at + 2, 80),
    ]);
    db.close();

    const html = join(folder.path(), "site", "dashboard.html");
    const cli = await run(process.execPath, ["--import", "tsx", "src/cli/main.ts", "dashboard", "--html", html, "--db", databasePath, "--task", String(ciFailure.id)], { timeout: 30_000 });
    expect(cli.stdout).toContain(`Dashboard written to ${html}`);

    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const requests: string[] = [];
      const consoleErrors: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      page.on("console", (message) => {
        if (message.type() === "error") consoleErrors.push(message.text());
      });
      const url = pathToFileURL(html).href;
      await page.goto(url);

      expect(await attributes(page.locator("svg[data-chart]"), "data-chart")).toEqual([
        "task-timeline",
        "tasks-by-day",
        "first-pass-ci",
        "cost-per-merged-pr",
        "spend-by-model-role",
        "slowest-phases",
      ]);
      for (const svg of await page.locator("svg[data-chart]").all()) {
        expect(await svg.getAttribute("role")).toBe("img");
        expect((await svg.boundingBox())?.width).toBeGreaterThan(300);
      }

      // Both tasks were created today and are done: two "done" units, nothing else.
      const dayMarks = page.locator(`svg[data-chart="tasks-by-day"] rect.mark`);
      expect([await attributes(dayMarks, "data-series"), await attributes(dayMarks, "data-value")]).toEqual([["done"], ["2"]]);
      expect(await page.locator(`svg[data-chart="tasks-by-day"] [data-legend]`).count()).toBe(5);

      // happy was green first time, ci-failure red first.
      expect(await page.locator(`svg[data-chart="first-pass-ci"] rect.mark`).getAttribute("data-value")).toBe("0.5");
      expect(await rows(page, "cost-per-merged-pr", "g[data-row]")).toEqual([String(ciFailure.id)]);
      expect((await rows(page, "spend-by-model-role", "g[data-row]")).toSorted()).toEqual([
        "code_reviewer|openai/gpt-5.4",
        "implementer|anthropic/claude-sonnet-5-5",
        "plan_reviewer|openai/gpt-5.4",
        "planner|anthropic/claude-sonnet-5-5",
      ]);
      const phases = await rows(page, "slowest-phases", "g[data-row]");
      expect(phases.length).toBeGreaterThanOrEqual(6);
      expect(phases.length).toBeLessThanOrEqual(8);
      expect(phases).toContain("awaiting_ci");

      const timeline = page.locator(`svg[data-chart="task-timeline"]`);
      expect(await timeline.locator(`g[data-group="state"] text`).allTextContents()).toEqual([
        "queued",
        "planning",
        "plan_review",
        "implementing",
        "code_review",
        "pushing",
        "awaiting_ci",
        "fixing",
        "pushing",
        "awaiting_ci",
        "awaiting_review",
        "done",
      ]);
      for (const id of spanIds) expect(await timeline.locator(`g[data-row="span-${id}"]`).count()).toBe(1);
      expect(await timeline.locator(`g[data-row="span-${spanIds[1] ?? ""}"]`).getAttribute("data-status")).toBe("error");
      // Five model calls: planner, plan reviewer, implementer, code reviewer, the fix.
      expect(await timeline.locator(`g[data-group="model"]`).count()).toBe(5);
      expect(await timeline.locator(`g[data-group="job"], g[data-group="webhook"]`).count()).toBe(0);

      expect(await attributes(page.locator(`table[data-table="recent-tasks"] tbody tr td:first-child a`), "href")).toEqual([
        `#task-${ciFailure.id}`,
        `#task-${happy.id}`,
      ]);

      mkdirSync(join(screenshotPath, ".."), { recursive: true });
      await page.screenshot({ path: screenshotPath, fullPage: true });
      expect(requests).toEqual([url]);
      expect(consoleErrors).toEqual([]);
      await context.close();
    } finally {
      await browser?.close();
    }
    expect(existsSync(screenshotPath) && statSync(screenshotPath).size).toBeGreaterThan(20_000);
  }, 90_000);

  it("is served by the app: signed in with the token through the form, a task's timeline from the spans the tracer stored", async () => {
    const executablePath = findChromium();
    const databasePath = join(folder.path(), "orchestrator.db");
    const played = await runScenario(loadScenario("happy"), { databasePath });
    const token = "browser-test-dashboard-token-0123456789";
    const db = openDatabase(databasePath);
    const settings = readSettings({ DATABASE_PATH: databasePath, ORCHESTRATOR_WORKER: "off", ANTHROPIC_API_KEY: "sk-ant-unused", ORCHESTRATOR_DASHBOARD_TOKEN: token });
    const client = new AnthropicClient({ apiKey: "sk-ant-unused", baseURL: "http://127.0.0.1:9", maxRetries: 0, timeoutMs: 1_000 });
    const app = await startApp({ credentials: createAppCredentials(4244), githubBaseUrl: "http://127.0.0.1:9", settings, db, providers: [client], env: {} });
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath, args: ["--no-sandbox"] });
      const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1200, height: 900 } });
      const page = await context.newPage();
      const origins = new Set<string>();
      page.on("request", (request) => origins.add(new URL(request.url()).origin));

      // Not signed in: the page sends the browser to the sign-in form, which works without JavaScript.
      await page.goto(`${app.baseUrl}/dashboard`);
      expect(new URL(page.url()).pathname).toBe("/dashboard/login");
      await page.locator('input[name="token"]').fill(token);
      await Promise.all([page.waitForURL(`${app.baseUrl}/dashboard`), page.locator('button[type="submit"]').click()]);
      expect(await attributes(page.locator("svg[data-chart]"), "data-chart")).toEqual(["tasks-by-day", "first-pass-ci", "cost-per-merged-pr", "spend-by-model-role", "slowest-phases"]);

      // The recent task's link opens its timeline, drawn from what the tracer stored while the task ran.
      await Promise.all([page.waitForURL(/\/dashboard\?task=\d+/), page.locator(`table[data-table="recent-tasks"] tbody tr td:first-child a`).first().click()]);
      const timeline = page.locator(`svg[data-chart="task-timeline"]`);
      expect(await timeline.locator(`g[data-group="model"]`).count()).toBe(played.llm.calls);
      expect(await timeline.locator(`g[data-group="github"]`).count()).toBeGreaterThan(10);
      expect(await timeline.locator(`g[data-group="phase"]`).count()).toBeGreaterThanOrEqual(5);

      mkdirSync(join(servedScreenshotPath, ".."), { recursive: true });
      await page.screenshot({ path: servedScreenshotPath, fullPage: true });
      expect([...origins]).toEqual([app.baseUrl]);
      await context.close();
    } finally {
      await browser?.close();
      await app.stop();
      db.close();
    }
    expect(statSync(servedScreenshotPath).size).toBeGreaterThan(20_000);
  }, 90_000);
});
