import { isMissing, jsonTypeOf, show, unionExpectations, type LocatedIssue } from "./zod-issues.js";

/*
 * OpenAI's validation errors: a sentence naming the parameter as `messages[0].role`, plus `param`
 * and `code` fields ("missing_required_parameter", "invalid_type", "invalid_value", ...).
 */

export interface OpenAiIssue {
  readonly message: string;
  readonly param: string | undefined;
  readonly code: string | undefined;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: "a string",
  number: "a decimal",
  int: "an integer",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  record: "an object",
};

const RECEIVED: Readonly<Record<ReturnType<typeof jsonTypeOf>, string>> = {
  null: "null",
  array: "an array",
  object: "an object",
  string: "a string",
  number: "a number",
  boolean: "a boolean",
  undefined: "nothing",
};

export function openAiIssue({ issue, path }: LocatedIssue): OpenAiIssue {
  const param = path.map((key, i) => (typeof key === "number" ? `[${key}]` : i === 0 ? key : `.${key}`)).join("");
  switch (issue.code) {
    case "invalid_type":
      if (isMissing(issue)) return missing(param);
      return {
        message: `Invalid type for '${param}': expected ${EXPECTED[issue.expected] ?? issue.expected}, but got ${RECEIVED[jsonTypeOf(issue.input)]} instead.`,
        param,
        code: "invalid_type",
      };
    case "invalid_value":
      return invalidValue(issue.input, issue.values, param);
    case "too_small":
      if (issue.origin === "array") {
        return {
          message: `Invalid '${param}': empty array. Expected an array with minimum length ${issue.minimum}, but got an empty array instead.`,
          param,
          code: "empty_array",
        };
      }
      return { message: `Invalid '${param}': value below minimum. Expected a value >= ${issue.minimum}, but got ${show(issue.input)} instead.`, param, code: "value_below_min" };
    case "too_big":
      return { message: `Invalid '${param}': value above maximum. Expected a value <= ${issue.maximum}, but got ${show(issue.input)} instead.`, param, code: "value_above_max" };
    case "unrecognized_keys": {
      const key = issue.keys[0] ?? "";
      if (param === "") return { message: `Unrecognized request argument supplied: ${key}`, param: undefined, code: undefined };
      return { message: `Unknown parameter: '${param}.${key}'.`, param: `${param}.${key}`, code: "unknown_parameter" };
    }
    case "invalid_format":
      return {
        message: `Invalid '${param}': string does not match pattern. Expected a string that matches the pattern '${issue.pattern ?? issue.format}'.`,
        param,
        code: "invalid_value",
      };
    case "invalid_union":
      if (issue.discriminator !== undefined) {
        const tag = typeof issue.input === "object" && issue.input !== null ? (issue.input as Record<string, unknown>)[issue.discriminator] : undefined;
        if (tag === undefined) return missing(param);
        return invalidValue(tag, "options" in issue ? (issue.options ?? []) : [], param);
      }
      return {
        message: `Invalid type for '${param}': expected one of ${unionExpectations(issue)
          .map((e) => EXPECTED[e] ?? e)
          .join(" or ")}, but got ${RECEIVED[jsonTypeOf(issue.input)]} instead.`,
        param,
        code: "invalid_type",
      };
    case "not_multiple_of":
    case "invalid_key":
    case "invalid_element":
    case "custom":
      return { message: `Invalid '${param}': ${issue.message}`, param, code: "invalid_value" };
  }
}

function missing(param: string): OpenAiIssue {
  if (param === "model") return { message: "you must provide a model parameter", param: undefined, code: undefined };
  return { message: `Missing required parameter: '${param}'.`, param, code: "missing_required_parameter" };
}

function invalidValue(input: unknown, values: readonly unknown[], param: string): OpenAiIssue {
  const quoted = values.map((v) => `'${show(v)}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")}, and ${quoted.at(-1) ?? ""}` : quoted.join("");
  return { message: `Invalid value: '${show(input)}'. Supported values are: ${list}.`, param, code: "invalid_value" };
}
