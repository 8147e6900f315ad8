import { describe, expect, it } from "vitest";
import type { PermissionLevel } from "../../src/github/github-gateway.js";
import { decideTrigger } from "../../src/security/trigger-policy.js";

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
});
