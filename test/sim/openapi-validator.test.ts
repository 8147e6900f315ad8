import { describe, expect, it } from "vitest";
import { createAjv } from "../../src/sim/github/openapi/create-ajv.js";
import { notFoundBody, OpenApiValidator, validationFailedBody, type MatchedOperation } from "../../src/sim/github/openapi/index.js";
import { toJsonSchema } from "../../src/sim/github/openapi/to-json-schema.js";

const validator = OpenApiValidator.load();
const lenient = OpenApiValidator.load({ allowUndeclaredErrorStatuses: true });

function route(method: string, path: string): MatchedOperation {
  const matched = validator.match(method, path);
  if (matched === undefined) throw new Error(`${method} ${path} matched no operation`);
  return matched;
}

function messages(issues: readonly { message: string }[]): string[] {
  return issues.map((issue) => issue.message);
}

const noQuery = new URLSearchParams();
const api = "https://api.github.com";

/** A complete `simple-user`: every one of its 18 required properties. */
function simpleUser(login: string): Record<string, unknown> {
  const url = `${api}/users/${login}`;
  return {
    login,
    id: 1,
    node_id: "MDQ6VXNlcjE=",
    avatar_url: `https://avatars.githubusercontent.com/u/1`,
    gravatar_id: "",
    url,
    html_url: `https://github.com/${login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: "User",
    site_admin: false,
  };
}

function issueComment(user: unknown): Record<string, unknown> {
  return {
    id: 10,
    node_id: "IC_1",
    url: `${api}/repos/o/r/issues/comments/10`,
    html_url: "https://github.com/o/r/issues/1#issuecomment-10",
    issue_url: `${api}/repos/o/r/issues/1`,
    body: "hello",
    user,
    created_at: "2024-01-01T00:00:00Z",
    updated_at: "2024-01-01T00:00:00Z",
    author_association: "NONE",
  };
}

describe("OpenApiValidator.load", () => {
  it("serves every operation the extraction script lists", () => {
    const ids = validator.operationIds();
    expect(ids).toHaveLength(59);
    expect(ids).toEqual(expect.arrayContaining(["git/get-ref", "pulls/create", "checks/list-for-ref", "actions/download-job-logs-for-workflow-run", "apps/delete-token"]));
  });
});

describe("path matching", () => {
  it.each([
    ["GET", "/repos/o/r/git/ref/heads%2Fmain", "git/get-ref", { ref: "heads/main" }],
    ["GET", "/repos/o/r/git/ref/heads/main", "git/get-ref", { ref: "heads/main" }],
    ["PATCH", "/repos/o/r/git/refs/heads/feature/deep", "git/update-ref", { ref: "heads/feature/deep" }],
    ["GET", "/repos/o/r/contents/src%2Fa.js", "repos/get-content", { path: "src/a.js" }],
    ["GET", "/repos/o/r/contents/src/a.js", "repos/get-content", { path: "src/a.js" }],
    ["GET", "/repos/o/r/branches/feature/x", "repos/get-branch", { branch: "feature/x" }],
    ["GET", "/repos/o/r/commits/feature/x/check-runs", "checks/list-for-ref", { ref: "feature/x" }],
    ["GET", "/repos/o/r/commits/feature%2Fx/check-suites", "checks/list-suites-for-ref", { ref: "feature/x" }],
    ["DELETE", "/repos/o/r/issues/5/labels/area%2Fsim%20x", "issues/remove-label", { name: "area/sim x" }],
  ])("%s %s is %s with decoded params", (method, path, operationId, params) => {
    const matched = validator.match(method, path);
    expect(matched?.operationId).toBe(operationId);
    expect(matched?.pathParams).toMatchObject({ owner: "o", repo: "r", ...params });
  });

  it("prefers the template with more literal segments", () => {
    expect(validator.match("GET", "/repos/o/r/issues/comments/5")?.operationId).toBe("issues/get-comment");
    expect(validator.match("GET", "/repos/o/r/issues/5/comments")?.operationId).toBe("issues/list-comments");
  });

  it("lets only parameters GitHub marks multi-segment span slashes", () => {
    expect(validator.match("DELETE", "/repos/o/r/issues/5/labels/area/sim")).toBeUndefined();
    expect(validator.match("GET", "/repos/o/r/pulls/1/unknown")).toBeUndefined();
  });

  it("does not match unknown routes, other methods, or broken percent-encoding", () => {
    expect(validator.match("GET", "/repos/o/r/nothing-here")).toBeUndefined();
    expect(validator.match("DELETE", "/repos/o/r/pulls/1")).toBeUndefined();
    expect(validator.match("GET", "/repos/o/r/contents/%E0%A4%A")).toBeUndefined();
  });

  it("ignores a query string in the pathname", () => {
    expect(validator.match("get", "/repos/o/r/pulls?state=open")?.operationId).toBe("pulls/list");
  });
});

describe("request checks", () => {
  it("refuses an issue comment without body, naming body", () => {
    const issues = validator.validateRequest(route("POST", "/repos/o/r/issues/1/comments"), { query: noQuery, body: {} });
    expect(messages(issues)).toEqual(["body/body: must have required property 'body'"]);
    expect(issues[0]).toMatchObject({ where: "body", pointer: "/body" });
  });

  it("accepts an issue comment with a body", () => {
    expect(validator.validateRequest(route("POST", "/repos/o/r/issues/1/comments"), { query: noQuery, body: { body: "hi" } })).toEqual([]);
  });

  it("refuses a pull request without head and answers as GitHub does", () => {
    const op = route("POST", "/repos/o/r/pulls");
    const issues = validator.validateRequest(op, { query: noQuery, body: { title: "t", base: "main" } });
    expect(messages(issues)).toEqual(["body/head: must have required property 'head'"]);
    expect(validationFailedBody(issues, validator.documentationUrl(op))).toEqual({
      message: "Invalid request.\n\n\"head\" wasn't supplied.",
      documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
      status: "422",
    });
  });

  it("reports wrong types and enum values with their place", () => {
    const created = validator.validateRequest(route("POST", "/repos/o/r/pulls"), { query: noQuery, body: { title: 5, head: "f", base: "main" } });
    expect(messages(created)).toEqual(["body/title: must be string"]);
    const check = validator.validateRequest(route("POST", "/repos/o/r/check-runs"), {
      query: noQuery,
      body: { name: "ci", head_sha: "abc", conclusion: "great" },
    });
    expect(messages(check)).toEqual([expect.stringMatching(/^body\/conclusion: must be equal to one of the allowed values: "action_required"/)]);
  });

  it("refuses a missing required body", () => {
    const issues = validator.validateRequest(route("POST", "/repos/o/r/git/refs"), { query: noQuery, body: undefined });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.message).toMatch(/^body: git\/create-ref requires a JSON request body/);
  });

  it("accepts null where GitHub's request schema is nullable, and overlapping oneOf branches", () => {
    const body = { title: "new", milestone: null, state_reason: null, labels: ["bug", { name: "sim" }] };
    expect(validator.validateRequest(route("PATCH", "/repos/o/r/issues/1"), { query: noQuery, body })).toEqual([]);
    expect(validator.validateRequest(route("POST", "/repos/o/r/issues/1/labels"), { query: noQuery, body: { labels: ["bug"] } })).toEqual([]);
  });

  it("coerces path and query strings like a server, and refuses what cannot be coerced", () => {
    expect(validator.validateRequest(route("GET", "/repos/o/r/issues/12"), { query: noQuery, body: undefined })).toEqual([]);
    const badPath = validator.validateRequest(route("GET", "/repos/o/r/issues/twelve"), { query: noQuery, body: undefined });
    expect(messages(badPath)).toEqual(["path/issue_number: must be integer"]);
    const goodQuery = new URLSearchParams({ state: "all", per_page: "100", page: "2", unknown_param: "ignored" });
    expect(validator.validateRequest(route("GET", "/repos/o/r/pulls"), { query: goodQuery, body: undefined })).toEqual([]);
    const badQuery = new URLSearchParams({ state: "merged", per_page: "lots" });
    expect(messages(validator.validateRequest(route("GET", "/repos/o/r/pulls"), { query: badQuery, body: undefined }))).toEqual([
      'query/state: must be equal to one of the allowed values: "open", "closed", "all"',
      "query/per_page: must be integer",
    ]);
  });
});

describe("response checks", () => {
  const createRef = route("POST", "/repos/o/r/git/refs");
  const gitRef = {
    ref: "refs/heads/feature",
    node_id: "REF_1",
    url: `${api}/repos/o/r/git/refs/heads/feature`,
    object: { type: "commit", sha: "a".repeat(40), url: `${api}/repos/o/r/git/commits/${"a".repeat(40)}` },
  };

  it("accepts a minimal git-ref for git/create-ref", () => {
    expect(validator.validateResponse(createRef, 201, gitRef)).toEqual([]);
  });

  it("reports a missing nested property and a malformed url", () => {
    const broken = { ...gitRef, url: "refs/heads/feature", object: { type: "commit", url: gitRef.object.url } };
    expect(messages(validator.validateResponse(createRef, 201, broken))).toEqual([
      'response 201 body/url: must match format "uri"',
      "response 201 body/object/sha: must have required property 'sha'",
    ]);
  });

  it("checks an issue comment's user down to its login, and accepts a null user", () => {
    const op = route("POST", "/repos/o/r/issues/1/comments");
    expect(validator.validateResponse(op, 201, issueComment(simpleUser("octocat")))).toEqual([]);
    expect(validator.validateResponse(op, 201, issueComment(null))).toEqual([]);
    const { login: _login, ...withoutLogin } = simpleUser("octocat");
    expect(messages(validator.validateResponse(op, 201, issueComment(withoutLogin)))).toEqual([
      "response 201 body/user/login: must have required property 'login'",
    ]);
  });

  it("accepts a nullable label description as null but not as a number", () => {
    const op = route("GET", "/repos/o/r/issues/1/labels");
    const label = { id: 1, node_id: "LA_1", url: `${api}/repos/o/r/labels/bug`, name: "bug", color: "d73a4a", default: true };
    expect(validator.validateResponse(op, 200, [{ ...label, description: null }])).toEqual([]);
    expect(messages(validator.validateResponse(op, 200, [{ ...label, description: 7 }]))).toEqual(["response 200 body/0/description: must be string,null"]);
  });

  it("refuses statuses the operation does not declare, unless asked to accept GitHub error bodies", () => {
    expect(messages(validator.validateResponse(createRef, 404, notFoundBody()))).toEqual([
      "response 404: status not declared for git/create-ref (declares 201, 409, 422)",
    ]);
    expect(lenient.validateResponse(createRef, 404, notFoundBody())).toEqual([]);
    expect(lenient.validateResponse(createRef, 201, { ref: "x" })).not.toEqual([]);
  });

  it("accepts GitHub's own error bodies where they are declared", () => {
    const issues = validator.validateRequest(route("POST", "/repos/o/r/pulls"), { query: noQuery, body: {} });
    expect(validator.validateResponse(route("POST", "/repos/o/r/pulls"), 422, validationFailedBody(issues))).toEqual([]);
    expect(validator.validateResponse(route("GET", "/repos/o/r/issues/1"), 404, notFoundBody())).toEqual([]);
  });

  it("wants no body for 204 and 302", () => {
    const deleteRef = route("DELETE", "/repos/o/r/git/refs/heads/feature");
    expect(validator.validateResponse(deleteRef, 204, undefined)).toEqual([]);
    expect(messages(validator.validateResponse(deleteRef, 204, { deleted: true }))).toEqual([
      "response 204: must have no body (git/delete-ref declares none)",
    ]);
    expect(validator.validateResponse(route("GET", "/repos/o/r/tarball/main"), 302, undefined)).toEqual([]);
  });
});

describe("toJsonSchema", () => {
  const ajv = createAjv();
  ajv.addSchema({ $id: "https://example.invalid/doc.json", components: { schemas: { thing: { type: "object", required: ["id"] } } } });
  const compile = (schema: unknown) => ajv.compile(toJsonSchema(schema, "https://example.invalid/doc.json") as object);

  it("honours nullable beside $ref-only compositions, where Ajv's own nullable throws", () => {
    const validate = compile({ nullable: true, allOf: [{ $ref: "#/components/schemas/thing" }] });
    expect(validate(null)).toBe(true);
    expect(validate({ id: 1 })).toBe(true);
    expect(validate({})).toBe(false);
  });

  it("lets null through a nullable enum, and nothing else new", () => {
    const validate = compile({ type: "string", enum: ["success", "failure"], nullable: true });
    expect([validate(null), validate("success"), validate("skipped")]).toEqual([true, true, false]);
  });

  it("treats oneOf as anyOf so overlapping branches do not fail", () => {
    const validate = compile({ oneOf: [{ type: "object" }, { type: "object", properties: { name: { type: "string" } } }] });
    expect(validate({ name: "x" })).toBe(true);
  });

  it("leaves property names that look like keywords alone", () => {
    const validate = compile({ type: "object", properties: { nullable: { type: "boolean" }, oneOf: { type: "string" } } });
    expect(validate({ nullable: true, oneOf: "x" })).toBe(true);
    expect(validate({ nullable: "yes" })).toBe(false);
  });
});
