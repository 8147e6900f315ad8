import { describe, expect, it } from "vitest";
import type { PermissionLevel } from "../../src/github/github-gateway.js";
import { decideTrigger, isTrustedBot } from "../../src/security/trigger-policy.js";

const person = { type: "User" };
const bot = { type: "Bot" };

describe("decideTrigger", () => {
  it.each<PermissionLevel>(["write", "maintain", "admin"])("lets a person with %s access ask for work", (permission) => {
    expect(decideTrigger(person, permission)).toEqual({ allowed: true });
  });

  it.each<PermissionLevel | null>(["triage", "read", "none", null])("refuses a person with %s access", (permission) => {
    expect(decideTrigger(person, permission)).toEqual({ allowed: false, reason: "permission" });
  });

  it.each<PermissionLevel | null>(["admin", "write", null])("never lets a bot ask for work, even with %s access", (permission) => {
    expect(decideTrigger(bot, permission)).toEqual({ allowed: false, reason: "bot" });
  });

  it("lets a bot the repository names in trust.allow_bots ask for work, and no other bot", () => {
    expect(decideTrigger({ type: "Bot", login: "Renovate[bot]" }, null, ["renovate[bot]"])).toEqual({ allowed: true });
    expect(decideTrigger({ type: "Bot", login: "dependabot[bot]" }, null, ["renovate[bot]"])).toEqual({ allowed: false, reason: "bot" });
  });
});

describe("isTrustedBot", () => {
  it("never trusts Orchestrator's own bot, even when listed, so it cannot answer itself", () => {
    expect(isTrustedBot("orchestrator[bot]", ["orchestrator[bot]"], "orchestrator")).toBe(false);
    expect(isTrustedBot("orchestrator", ["orchestrator"], "orchestrator")).toBe(false);
    expect(isTrustedBot("renovate[bot]", ["renovate[bot]"], "orchestrator")).toBe(true);
  });
});
