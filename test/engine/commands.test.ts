import { describe, expect, it } from "vitest";
import { mentionsApp, parseCommand } from "../../src/engine/commands.js";

describe("parseCommand", () => {
  it.each([
    ["/orchestrator status", { name: "status" }],
    ["Thanks!\n/orchestrator retry\nmore text", { name: "retry" }],
    ["/Orchestrator CANCEL", { name: "cancel" }],
    ["/orchestrator approve-plan", { name: "approve-plan" }],
    ["/orchestrator replan keep the old API", { name: "replan", feedback: "keep the old API" }],
    ["/orchestrator budget 12.5", { name: "budget", usd: 12.5 }],
    ["/orchestrator budget $7", { name: "budget", usd: 7 }],
    ["/orchestrator", { name: "help" }],
  ])("%j", (body, command) => {
    expect(parseCommand(body)).toEqual(command);
  });

  it.each([
    ["/orchestrator deploy", "`deploy` is not a command."],
    ["/orchestrator budget lots", "needs an amount"],
    ["/orchestrator budget -3", "needs an amount"],
    ["/orchestrator replan", "needs your feedback"],
    ["/orchestrator status now", "takes no arguments"],
  ])("answers %j with a problem", (body, problem) => {
    const command = parseCommand(body);
    expect(command?.name).toBe("invalid");
    expect(command?.name === "invalid" ? command.problem : "").toContain(problem);
  });

  it.each([["no command here"], ["> /orchestrator cancel (quoting someone)"], ["```\n/orchestrator cancel\n```"], ["see /orchestrator cancel in the docs"]])("finds none in %j", (body) => {
    expect(parseCommand(body)).toBeUndefined();
  });
});

describe("mentionsApp", () => {
  it.each([
    ["@orchestrator please rename this", true],
    ["thanks @orchestrator[bot]!", true],
    ["@Orchestrator", true],
    ["@orchestrator-fan is a person", false],
    ["mail me at me@orchestrator.dev", false],
    ["> @orchestrator quoted", false],
    ["no mention", false],
  ])("%j → %s", (text, expected) => {
    expect(mentionsApp(text, "orchestrator")).toBe(expected);
  });
});
