import { isMissing, jsonTypeOf, show, unionExpectations, type LocatedIssue } from "./zod-issues.js";

/*
 * Anthropic's validation errors are pydantic's, prefixed with the dotted path:
 * "max_tokens: Field required", "messages.0.role: Input should be 'user' or 'assistant'".
 */

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: "a valid string",
  number: "a valid number",
  int: "a valid integer",
  boolean: "a valid boolean",
  array: "a valid list",
  object: "a valid dictionary",
  record: "a valid dictionary",
  literal: "a literal",
};

export function anthropicIssueMessage({ issue, path }: LocatedIssue): string {
  const where = path.join(".");
  const at = (text: string): string => (where === "" ? text : `${where}: ${text}`);
  switch (issue.code) {
    case "invalid_type":
      if (isMissing(issue)) return at("Field required");
      return at(`Input should be ${TYPE_NAMES[issue.expected] ?? `a valid ${issue.expected}`}`);
    case "invalid_value":
      return at(`Input should be ${orList(issue.values.map((v) => `'${show(v)}'`))}`);
    case "too_small":
      if (issue.origin === "array") {
        const length = Array.isArray(issue.input) ? issue.input.length : 0;
        return at(`List should have at least ${issue.minimum} item${issue.minimum === 1 ? "" : "s"} after validation, not ${length}`);
      }
      if (issue.origin === "string") return at(`String should have at least ${issue.minimum} character${issue.minimum === 1 ? "" : "s"}`);
      return at(`Input should be greater than${issue.inclusive === false ? "" : " or equal to"} ${issue.minimum}`);
    case "too_big":
      if (issue.origin === "array") return at(`List should have at most ${issue.maximum} items after validation`);
      if (issue.origin === "string") return at(`String should have at most ${issue.maximum} characters`);
      return at(`Input should be less than${issue.inclusive === false ? "" : " or equal to"} ${issue.maximum}`);
    case "unrecognized_keys":
      return `${where === "" ? "" : `${where}.`}${issue.keys[0] ?? ""}: Extra inputs are not permitted`;
    case "invalid_format":
      return at(issue.pattern === undefined ? `String should be a valid ${issue.format}` : `String should match pattern '${issue.pattern}'`);
    case "invalid_union":
      if (issue.discriminator !== undefined) {
        const block = path.slice(0, -1).join(".");
        const tag = typeof issue.input === "object" && issue.input !== null ? (issue.input as Record<string, unknown>)[issue.discriminator] : undefined;
        const tags = ("options" in issue ? (issue.options ?? []) : []).map((o) => `'${show(o)}'`).join(", ");
        if (tag === undefined) return `${block}: Unable to extract tag using discriminator '${issue.discriminator}'`;
        return `${block}: Input tag '${show(tag)}' found using '${issue.discriminator}' does not match any of the expected tags: ${tags}`;
      }
      return at(`Input should be ${orList(unionExpectations(issue).map((e) => TYPE_NAMES[e] ?? e))}, not ${jsonTypeOf(issue.input)}`);
    case "not_multiple_of":
    case "invalid_key":
    case "invalid_element":
    case "custom":
      return at(issue.message);
  }
}

function orList(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} or ${items.at(-1) ?? ""}`;
}
