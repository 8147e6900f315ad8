/**
 * Extracts the slice of GitHub's REST description that the simulator serves into
 * fixtures/github/openapi.json. The full package is ~385 MB, so it is installed into a
 * temporary folder outside the repo and never becomes a dependency.
 *
 *   npx tsx scripts/extract-github-openapi.ts
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const OPENAPI_PACKAGE = "@octokit/openapi";
const OPENAPI_VERSION = "23.0.2";

/** Adding an endpoint to the simulator starts with one line here. */
const OPERATION_IDS = [
  "apps/get-authenticated",
  "apps/create-installation-access-token",
  "apps/get-repo-installation",
  "repos/get",
  "repos/get-branch",
  "repos/get-collaborator-permission-level",
  "repos/get-content",
  "repos/download-tarball-archive",
  "git/get-ref",
  "git/create-ref",
  "git/update-ref",
  "git/delete-ref",
  "git/get-commit",
  "git/create-commit",
  "git/get-tree",
  "git/create-tree",
  "git/get-blob",
  "git/create-blob",
  "issues/get",
  "issues/update",
  "issues/create-comment",
  "issues/update-comment",
  "issues/get-comment",
  "issues/list-comments",
  "issues/add-labels",
  "issues/remove-label",
  "issues/list-labels-on-issue",
  "pulls/create",
  "pulls/get",
  "pulls/list",
  "pulls/update",
  "pulls/merge",
  "pulls/list-files",
  "pulls/list-reviews",
  "pulls/get-review",
  "pulls/create-review",
  "pulls/list-review-comments",
  "pulls/create-reply-for-review-comment",
  "pulls/request-reviewers",
  "checks/create",
  "checks/update",
  "checks/get",
  "checks/list-for-ref",
  "checks/list-for-suite",
  "checks/list-suites-for-ref",
  "checks/create-suite",
  "checks/list-annotations",
  "actions/get-workflow-run",
  "actions/list-jobs-for-workflow-run",
  "actions/re-run-workflow-failed-jobs",
  "actions/download-job-logs-for-workflow-run",
  "actions/get-job-for-workflow-run",
  "actions/re-run-job-for-workflow-run",
  "checks/rerequest-suite",
  "pulls/get-review-comment",
  "pulls/list-comments-for-review",
  "reactions/create-for-issue-comment",
  "users/get-authenticated",
  "apps/delete-token",
] as const;

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "options", "head", "patch", "trace"]);
const COMPONENT_KINDS = ["schemas", "parameters", "responses", "headers", "requestBodies"] as const;
type ComponentKind = (typeof COMPONENT_KINDS)[number];
/** Documentation-only keys. externalDocs stays: it gives error bodies their documentation_url. */
const NOISE_KEYS = new Set(["example", "examples", "x-github", "x-octokit", "x-github-breaking-changes"]);
/** Keys whose value maps user-chosen names to schemas: the names must survive noise stripping. */
const NAME_MAP_KEYS = new Set(["properties", "patternProperties", "definitions"]);
/** Keys whose value is data, not description structure. */
const OPAQUE_KEYS = new Set(["enum", "default", "const"]);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = Record<string, Json>;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function installPackage(): string {
  const prefix = join(tmpdir(), `orchestrator-octokit-openapi-${OPENAPI_VERSION}`);
  const packageDir = join(prefix, "node_modules", ...OPENAPI_PACKAGE.split("/"));
  const manifest = join(packageDir, "package.json");
  const installed = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { version?: string }).version : undefined;
  if (installed !== OPENAPI_VERSION) {
    mkdirSync(prefix, { recursive: true });
    console.log(`installing ${OPENAPI_PACKAGE}@${OPENAPI_VERSION} into ${prefix}`);
    execFileSync(
      "npm",
      ["install", "--prefix", prefix, "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", `${OPENAPI_PACKAGE}@${OPENAPI_VERSION}`],
      { stdio: "inherit" },
    );
  }
  return packageDir;
}

/** Returns a copy without documentation noise; property names inside schemas are left alone. */
function stripNoise(node: Json): Json {
  if (Array.isArray(node)) return node.map(stripNoise);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (NOISE_KEYS.has(key)) continue;
    if (OPAQUE_KEYS.has(key)) out[key] = value;
    else if (NAME_MAP_KEYS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, stripNoise(schema)]));
    } else out[key] = stripNoise(value);
  }
  return out;
}

function collectRefs(node: Json, into: Set<string>): void {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, into);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") into.add(value);
      else collectRefs(value, into);
    }
  }
}

function parseComponentRef(ref: string): { kind: ComponentKind; name: string } {
  const match = /^#\/components\/([^/]+)\/([^/]+)$/.exec(ref);
  const kind = match?.[1];
  const name = match?.[2];
  const known = COMPONENT_KINDS.find((k) => k === kind);
  if (known === undefined || name === undefined) throw new Error(`unsupported $ref ${ref}`);
  return { kind: known, name: name.replaceAll("~1", "/").replaceAll("~0", "~") };
}

function extract(document: JsonObject): JsonObject {
  const paths = document.paths;
  const components = document.components;
  if (!isObject(paths) || !isObject(components)) throw new Error("document has no paths or components");

  const wanted = new Set<string>(OPERATION_IDS);
  const keptPaths: JsonObject = {};
  for (const [template, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    const keptItem: JsonObject = {};
    for (const [method, operation] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method) || !isObject(operation)) continue;
      const id = operation.operationId;
      if (typeof id === "string" && wanted.delete(id)) keptItem[method] = stripNoise(operation);
    }
    if (Object.keys(keptItem).length === 0) continue;
    // Path-level parameters apply to every operation under the template.
    if (item.parameters !== undefined) keptItem.parameters = stripNoise(item.parameters);
    keptPaths[template] = keptItem;
  }
  if (wanted.size > 0) throw new Error(`operationIds not found in the description: ${[...wanted].join(", ")}`);

  const keptComponents: Record<ComponentKind, JsonObject> = { schemas: {}, parameters: {}, responses: {}, headers: {}, requestBodies: {} };
  const pending = new Set<string>();
  collectRefs(keptPaths, pending);
  const seen = new Set<string>();
  while (pending.size > 0) {
    const [ref] = pending;
    if (ref === undefined) break;
    pending.delete(ref);
    if (seen.has(ref)) continue;
    seen.add(ref);
    const { kind, name } = parseComponentRef(ref);
    const section = components[kind];
    const component = isObject(section) ? section[name] : undefined;
    if (component === undefined) throw new Error(`dangling $ref ${ref}`);
    const cleaned = stripNoise(component);
    keptComponents[kind][name] = cleaned;
    collectRefs(cleaned, pending);
  }

  const sortedComponents: JsonObject = {};
  for (const kind of COMPONENT_KINDS) {
    const entries = Object.entries(keptComponents[kind]).sort(([a], [b]) => a.localeCompare(b));
    if (entries.length > 0) sortedComponents[kind] = Object.fromEntries(entries);
  }

  return {
    openapi: document.openapi ?? null,
    info: document.info ?? null,
    servers: document.servers ?? [],
    "x-extracted": {
      package: `${OPENAPI_PACKAGE}@${OPENAPI_VERSION}`,
      source: "generated/api.github.com.json",
      date: new Date().toISOString().slice(0, 10),
      operations: [...OPERATION_IDS],
    },
    paths: keptPaths,
    components: sortedComponents,
  };
}

function main(): void {
  const packageDir = installPackage();
  const source = join(packageDir, "generated", "api.github.com.json");
  const document = JSON.parse(readFileSync(source, "utf8")) as Json;
  if (!isObject(document)) throw new Error(`${source} is not a JSON object`);
  const slice = extract(document);

  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const target = join(root, "fixtures", "github", "openapi.json");
  mkdirSync(dirname(target), { recursive: true });
  const text = `${JSON.stringify(slice, null, 1)}\n`;
  writeFileSync(target, text);
  const schemaCount = isObject(slice.components) && isObject(slice.components.schemas) ? Object.keys(slice.components.schemas).length : 0;
  console.log(`wrote ${target}: ${OPERATION_IDS.length} operations, ${schemaCount} schemas, ${Math.round(Buffer.byteLength(text) / 1024)} KB`);
}

main();
