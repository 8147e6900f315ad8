import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { readGateReport, gateCheckName } from "../../src/gates/gate-report.js";
import { GitHubSimulator } from "../../src/sim/github/github-simulator.js";
import { OpenApiValidator } from "../../src/sim/github/openapi/index.js";
import { buildDist, bundles } from "../../scripts/build-dist.js";
import { tempRepo } from "../support/git-repo.js";

const root = resolve(".");
const eslintBin = resolve("node_modules/eslint/bin/eslint.js");
const dirs: string[] = [];
let sim: GitHubSimulator;

beforeAll(async () => {
  sim = new GitHubSimulator({ validator: OpenApiValidator.load() });
  await sim.start();
});

afterAll(async () => {
  await sim.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "orchestrator-action-"));
  dirs.push(dir);
  return dir;
}

/** A checked-out repository: `base` committed, then `change` committed on top. Returns its folder and the base commit. */
function checkout(base: Record<string, string>, change: Record<string, string | null>): { dir: string; baseSha: string } {
  const repo = tempRepo(base, change, { commit: true });
  dirs.push(repo.dir);
  return repo;
}

const config = [
  "gates:",
  "  - name: lint",
  `    run: node ${eslintBin} -f json src`,
  "    format: eslint",
  "gate:",
  "  semgrep: auto",
].join("\n");
const eslintConfig = 'export default [{ files: ["**/*.js"], languageOptions: { sourceType: "module" }, rules: { "no-unused-vars": "warn" } }];\n';

/** Runs the committed bundle as the Actions runner would: inputs and context in the environment. */
async function runBundle(workspace: string, event: object, inputs: Record<string, string>, headSha: string, token: string | null, extraEnv: NodeJS.ProcessEnv = {}): Promise<{ status: number | null; stdout: string; outputs: string; summary: string }> {
  const dir = tempDir();
  const eventPath = join(dir, "event.json");
  writeFileSync(eventPath, JSON.stringify(event));
  const outputs = join(dir, "outputs");
  const summary = join(dir, "summary.md");
  writeFileSync(outputs, "");
  writeFileSync(summary, "");
  const env: NodeJS.ProcessEnv = {
    PATH: "/usr/bin:/bin",
    HOME: dir,
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_EVENT_NAME: "pull_request",
    GITHUB_REPOSITORY: "octo-org/shop",
    GITHUB_SHA: headSha,
    GITHUB_API_URL: sim.urls.api,
    GITHUB_SERVER_URL: sim.urls.web,
    GITHUB_RUN_ID: "77",
    GITHUB_OUTPUT: outputs,
    GITHUB_STEP_SUMMARY: summary,
    ...(token ? { "INPUT_GITHUB-TOKEN": token } : {}),
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...extraEnv,
  };
  // Not spawnSync: the GitHub simulator answers the Action from this process's event loop.
  const child = spawn(process.execPath, [join(root, "dist/action/index.js")], { env, cwd: workspace });
  let stdout = "";
  const collect = (chunk: Buffer): void => {
    stdout += chunk.toString("utf8");
  };
  child.stdout.on("data", collect);
  child.stderr.on("data", collect);
  const status = await new Promise<number | null>((done) => {
    child.on("close", (code) => {
      done(code);
    });
  });
  return { status, stdout, outputs: readFileSync(outputs, "utf8"), summary: readFileSync(summary, "utf8") };
}

describe("dist/", () => {
  it("is what `npm run build` makes from the sources today (rebuild and commit it when this fails)", async () => {
    const out = tempDir();
    await buildDist(out);
    for (const bundle of bundles) expect(readFileSync(join(out, bundle.out), "utf8") === readFileSync(join(root, "dist", bundle.out), "utf8"), `dist/${bundle.out} is stale: run npm run build`).toBe(true);
  });

  it("action.yml declares the inputs and outputs the bundle reads and writes", () => {
    const action = parseYaml(readFileSync(join(root, "action.yml"), "utf8")) as { inputs: Record<string, unknown>; outputs: Record<string, unknown>; runs: { using: string; main: string } };
    expect(Object.keys(action.inputs).sort()).toEqual(["checks", "config", "diff-only", "fail-on", "github-token", "semgrep"]);
    expect(Object.keys(action.outputs).sort()).toEqual(["conclusion", "findings", "report"]);
    expect(action.runs.main).toBe("dist/action/index.js");
  });
});

describe("the bundled Action", () => {
  it("fails on a lint warning the pull request added, reports one check run with its annotations and the machine-readable report, and writes the job summary and outputs", async () => {
    const world = sim.world;
    world.addUser("octo-org", "Organization");
    const app = world.addApp({ id: 5151, slug: "gate-test", name: "Gate test", owner: "octo-org", publicKey: null });
    const installation = world.addInstallation(app.id, "octo-org");
    const repo = world.addRepo("octo-org", "shop", new Map([["README.md", Buffer.from("# shop\n")]]));
    const headSha = repo.git.refs.get("refs/heads/main") ?? "";
    const { token } = world.issueToken(installation.id);
    // 60 new warnings: more than one request's worth of annotations.
    const added = Array.from({ length: 60 }, (_, i) => `const unused${i} = ${i};`).join("\n");
    const { dir, baseSha } = checkout({ ".github/orchestrator.yml": config, "eslint.config.js": eslintConfig, "src/a.js": "export const used = 1;\nconst oldUnused = 2;\n" }, { "src/a.js": `export const used = 1;\nconst oldUnused = 2;\n${added}\n` });
    const event = { pull_request: { base: { sha: baseSha }, head: { sha: headSha } } };

    const run = await runBundle(dir, event, {}, headSha, token);
    expect(run.status).toBe(1);
    expect(run.outputs).toMatch(/conclusion<<.*\nfailure\n/s);
    expect(run.outputs).toMatch(/findings<<.*\n60\n/s);
    expect(run.summary).toContain("## Orchestrator quality gate: ❌ failed");
    const runs = [...repo.checkRuns.values()].filter((r) => r.name === gateCheckName);
    expect(runs).toHaveLength(1);
    const check = runs[0];
    expect(check?.conclusion).toBe("failure");
    // 60 failing on changed lines and the old one reported: 61 annotations over two requests.
    expect(check?.output.annotations).toHaveLength(61);
    const report = readGateReport(check?.output.text ?? null);
    expect(report?.findings.filter((f) => f.failing)).toHaveLength(60);
    expect(report?.findings.find((f) => !f.failing)).toMatchObject({ path: "src/a.js", line: 2, new: false });
    expect(sim.requests.stats().invalidRequests).toBe(0);
  });

  it("passes when the warning is only on a line the change did not touch, and is neutral without Semgrep under auto", async () => {
    const { dir, baseSha } = checkout({ ".github/orchestrator.yml": config, "eslint.config.js": eslintConfig, "src/a.js": "const oldUnused = 2;\n" }, { "README.md": "# docs\n" });
    const run = await runBundle(dir, { pull_request: { base: { sha: baseSha }, head: { sha: "0".repeat(40) } } }, {}, "0".repeat(40), null);
    expect(run.status).toBe(0);
    expect(run.outputs).toMatch(/conclusion<<.*\nneutral\n/s);
    expect(run.summary).toContain("Semgrep is not installed");
  });

  it("passes a clean change with real ESLint and tsc runs", async () => {
    const tsc = resolve("node_modules/typescript/bin/tsc");
    const files = { ".github/orchestrator.yml": `gates:\n  - name: lint\n    run: node ${eslintBin} -f json src\n    format: eslint\n  - name: types\n    run: node ${tsc} --noEmit --pretty false -p .\n    format: tsc\ngate:\n  semgrep: off\n`, "eslint.config.js": eslintConfig, "tsconfig.json": '{ "compilerOptions": { "strict": true, "noEmit": true, "allowJs": true, "checkJs": true, "module": "nodenext" }, "include": ["src"] }\n', "src/a.js": "export const used = 1;\n" };
    const clean = checkout(files, { "src/b.js": "export const twice = (/** @type {number} */ n) => n * 2;\n" });
    const passed = await runBundle(clean.dir, { pull_request: { base: { sha: clean.baseSha }, head: { sha: "2".repeat(40) } } }, {}, "2".repeat(40), null);
    expect(passed.status).toBe(0);
    expect(passed.outputs).toMatch(/conclusion<<.*\nsuccess\n/s);
    const typeError = checkout(files, { "src/b.js": "/** @type {number} */\nexport const n = 'not a number';\n" });
    const failed = await runBundle(typeError.dir, { pull_request: { base: { sha: typeError.baseSha }, head: { sha: "3".repeat(40) } } }, {}, "3".repeat(40), null);
    expect(failed.status).toBe(1);
    expect(failed.summary).toMatch(/`src\/b\.js:2` error: .*TS2322/);
  });

  it("fails on a Semgrep finding on a changed line (a stand-in printing Semgrep's documented --json)", async () => {
    const bin = tempDir();
    writeFileSync(join(bin, "semgrep"), readFileSync(resolve("fixtures/gates/semgrep-standin/semgrep")), { mode: 0o755 });
    const out = join(bin, "out.json");
    writeFileSync(
      out,
      JSON.stringify({
        version: "1.99.0",
        results: [{ check_id: "javascript.lang.security.audit.eval", path: "src/run.js", start: { line: 1, col: 1, offset: 0 }, end: { line: 1, col: 10, offset: 9 }, extra: { message: "eval() on input is code injection", severity: "ERROR", metadata: {}, lines: "eval(input)" } }],
        errors: [],
        paths: { scanned: ["src/run.js"] },
      }),
    );
    const { dir, baseSha } = checkout({ "README.md": "# x\n" }, { "src/run.js": "eval(input);\n" });
    const run = await runBundle(dir, { pull_request: { base: { sha: baseSha }, head: { sha: "4".repeat(40) } } }, { semgrep: "auto" }, "4".repeat(40), null, {
      PATH: `${bin}:/usr/bin:/bin`,
      SEMGREP_STANDIN_ARGS: join(bin, "args"),
      SEMGREP_STANDIN_OUTPUT: out,
    });
    expect(run.status).toBe(1);
    expect(run.summary).toContain("eval() on input is code injection");
    expect(readFileSync(join(bin, "args"), "utf8").split("\0")).toEqual(expect.arrayContaining(["scan", "--json", "src/run.js"]));
  });

  it("does not count files the workspace has but git does not track (build output) as part of the change", async () => {
    const { dir, baseSha } = checkout({ "README.md": "# x\n" }, { "README.md": "# y\n" });
    writeFileSync(join(dir, "bundle.js"), "// eslint-disable-next-line\nrun();\n");
    const run = await runBundle(dir, { pull_request: { base: { sha: baseSha }, head: { sha: "5".repeat(40) } } }, { semgrep: "off" }, "5".repeat(40), null);
    expect(run.status).toBe(0);
    expect(run.outputs).toMatch(/conclusion<<.*\nsuccess\n/s);
  });

  it("fails on a deleted test, and on an input it does not understand, with a clear message", async () => {
    const { dir, baseSha } = checkout({ "test/a.test.js": "import { it } from 'node:test';\nit('works', () => {});\n" }, { "test/a.test.js": null });
    const deleted = await runBundle(dir, { pull_request: { base: { sha: baseSha }, head: { sha: "1".repeat(40) } } }, { semgrep: "off" }, "1".repeat(40), null);
    expect(deleted.status).toBe(1);
    expect(deleted.summary).toContain("deleted");
    const bad = await runBundle(dir, {}, { "fail-on": "sometimes" }, "1".repeat(40), null);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain("The input fail-on must be error or warning, not sometimes.");
  });
});
