import { describe, expect, it } from "vitest";
import { defaultProtectedPaths, PathPolicy } from "../../src/workspace/path-policy.js";

const policy = new PathPolicy();

describe("PathPolicy", () => {
  it.each([
    { path: ".github/workflows/ci.yml", reason: /is protected/ },
    { path: ".github/orchestrator.yml", reason: /is protected/ },
    { path: ".env", reason: /is protected/ },
    { path: "config/.env.local", reason: /is protected/ },
    { path: "keys/server.pem", reason: /is protected/ },
    { path: ".ssh/deploy.pem", reason: /is protected/ },
    { path: ".github/workflows/.hidden.yml", reason: /is protected/ },
    { path: ".github/actions/deploy/action.yml", reason: /is protected/ },
    { path: "CODEOWNERS", reason: /is protected/ },
    { path: ".github/CODEOWNERS", reason: /is protected/ },
    { path: ".git/config", reason: /is protected/ },
    { path: ".github", reason: /holds protected files/ },
    { path: ".GITHUB/workflows", reason: /holds protected files/ },
    { path: ".ENV", reason: /is protected/ },
    { path: "KEY.PEM", reason: /is protected/ },
    { path: "AGENTS.md", reason: /is protected/ },
    { path: "packages/api/CLAUDE.md", reason: /is protected/ },
    { path: ".github/copilot-instructions.md", reason: /is protected/ },
    { path: ".gitmodules", reason: /is protected/ },
    { path: "deploy/id_rsa", reason: /is protected/ },
    { path: "../etc/passwd", reason: /must not contain '\.', '\.\.' or empty segments/ },
    { path: "src/../../etc/passwd", reason: /must not contain/ },
    { path: "src/./a.ts", reason: /must not contain/ },
    { path: "a//b", reason: /must not contain/ },
    { path: "/abs", reason: /relative to the repository root/ },
    { path: "a\\b", reason: /forward slashes/ },
    { path: "   ", reason: /empty/ },
  ])("refuses $path", ({ path, reason }) => {
    const verdict = policy.check(path);

    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toMatch(reason);
  });

  it.each(["src/a.ts", ".github/ISSUE_TEMPLATE/bug.md", "docs/README.md", "environment.ts"])("allows %s", (path) => {
    expect(policy.check(path)).toEqual({ ok: true, path });
  });

  it("normalises a leading ./ and surrounding spaces", () => {
    expect(policy.check(" ./src/a.ts ")).toEqual({ ok: true, path: "src/a.ts" });
    expect(policy.check("./.github/workflows/ci.yml").ok).toBe(false);
  });

  it("names the protected patterns so the refusal can be explained", () => {
    const verdict = policy.check("keys/server.pem");

    expect(verdict).toEqual({ ok: false, reason: `keys/server.pem is protected (${defaultProtectedPaths.join(", ")}); a person must change it` });
  });

  it("uses a custom protected list instead of the default one", () => {
    const custom = new PathPolicy(["secrets/**", "**/*.key"]);

    expect(custom.check("secrets/prod.json").ok).toBe(false);
    expect(custom.check("deploy/tls.key").ok).toBe(false);
    expect(custom.check(".github/workflows/ci.yml")).toEqual({ ok: true, path: ".github/workflows/ci.yml" });
    expect(custom.check("../escape").ok).toBe(false);
  });
});
