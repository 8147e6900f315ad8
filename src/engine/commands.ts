/*
 * `/orchestrator <command>` in an issue or pull request comment, from a person with write access.
 * Parsing is strict and small: the first line that starts with the prefix, outside quotes and code
 * blocks, is the command; anything else in the comment is ignored.
 */

export const commandPrefix = "/orchestrator";

export type Command =
  | { readonly name: "status" }
  | { readonly name: "retry" }
  | { readonly name: "cancel" }
  | { readonly name: "approve-plan" }
  | { readonly name: "replan"; readonly feedback: string }
  | { readonly name: "budget"; readonly usd: number }
  | { readonly name: "help" }
  /** Not a command we know, or one with bad arguments: answered with the help text and `problem`. */
  | { readonly name: "invalid"; readonly problem: string };

export const commandHelp = [
  "Commands (people with write access, in a comment on the issue or its pull request):",
  "",
  "| command | what it does |",
  "| --- | --- |",
  "| `/orchestrator status` | where the task is, what it has spent, what it waits for |",
  "| `/orchestrator retry` | carries on a task that stopped for a person (after a budget, a red CI loop or a limit) |",
  "| `/orchestrator cancel` | stops the task; nothing more is spent |",
  "| `/orchestrator approve-plan` | lets a task whose plan waits for approval go on to implementation |",
  "| `/orchestrator replan <feedback>` | a new plan with your feedback (before the pull request exists) |",
  "| `/orchestrator budget <usd>` | raises this task's budget, e.g. `/orchestrator budget 12.50` |",
].join("\n");

const maxBudgetUsd = 10_000;

/** The command in a comment, or undefined when the comment has none. */
export function parseCommand(body: string): Command | undefined {
  let fenced = false;
  for (const raw of body.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("```") || line.startsWith("~~~")) {
      fenced = !fenced;
      continue;
    }
    if (fenced || line.startsWith(">")) continue;
    const match = /^\/orchestrator(?:\s+(\S+)(?:\s+(.*))?)?$/i.exec(line);
    if (!match) continue;
    return toCommand((match[1] ?? "help").toLowerCase(), (match[2] ?? "").trim());
  }
  return undefined;
}

function toCommand(name: string, args: string): Command {
  switch (name) {
    case "status":
    case "retry":
    case "cancel":
    case "approve-plan":
    case "help":
      return args === "" ? { name } : { name: "invalid", problem: `\`${name}\` takes no arguments.` };
    case "replan":
      return args === "" ? { name: "invalid", problem: "`replan` needs your feedback, e.g. `/orchestrator replan keep the old API, add a new function`." } : { name, feedback: args.slice(0, 4000) };
    case "budget": {
      const usd = Number(args.replace(/^\$/, ""));
      if (!Number.isFinite(usd) || usd <= 0 || usd > maxBudgetUsd) return { name: "invalid", problem: `\`budget\` needs an amount in USD above 0 and at most ${maxBudgetUsd}, e.g. \`/orchestrator budget 12.50\`.` };
      return { name, usd: Math.round(usd * 100) / 100 };
    }
    default:
      return { name: "invalid", problem: `\`${name.slice(0, 40)}\` is not a command.` };
  }
}

/** Whether the text mentions the app (`@slug` or `@slug[bot]`), outside quotes. */
export function mentionsApp(text: string, slug: string): boolean {
  const escaped = slug.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`(^|[^\\w@/])@${escaped}(\\[bot\\])?(?![\\w-])`, "i");
  return text.split(/\r?\n/).some((line) => !line.trim().startsWith(">") && pattern.test(line));
}
