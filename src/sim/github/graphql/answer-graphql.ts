import { execute, getOperationAST, GraphQLError, Kind, parse, validate } from "graphql";
import type { DocumentNode, OperationDefinitionNode } from "graphql";
import { z } from "zod";
import { GraphqlErrorType, GraphqlRefusal } from "./graphql-error.js";
import type { GraphqlContext } from "./graphql-nodes.js";
import { rootResolvers } from "./graphql-root.js";
import { githubSchema, schemaLocation } from "./graphql-schema.js";

/** What the simulator answers to a POST /graphql and how it logs it. */
export interface GraphqlAnswer {
  readonly status: number;
  readonly body: unknown;
  /** `graphql/<root fields>` (e.g. `graphql/repository`), for the request log's per-operation counts. */
  readonly operationId: string;
  /** The errors' messages when GitHub would have refused the operation; null when it succeeded. */
  readonly invalid: string | null;
}

interface GithubGraphqlError {
  readonly type: string;
  readonly path?: readonly (string | number)[];
  readonly locations?: readonly { line: number; column: number }[];
  readonly message: string;
}

const requestBody = z.object({ query: z.string(), variables: z.record(z.string(), z.unknown()).nullish(), operationName: z.string().nullish() });

const UNDEFINED_FIELD = /^Cannot query field "(\w+)" on type "(\w+)"\./;

/** GitHub's wording for a field it lacks, and a pointer for fields GitHub has that the simulator does not serve. */
function githubMessage(message: string): string {
  const match = UNDEFINED_FIELD.exec(message);
  if (!match) return message;
  return `Field '${match[1] ?? ""}' doesn't exist on type '${match[2] ?? ""}' (the GitHub simulator serves part of GitHub's GraphQL schema: ${schemaLocation})`;
}

/** A refusal becomes an entry of `errors`; anything else a resolver threw is a simulator bug and is rethrown. */
function formatError(error: GraphQLError): GithubGraphqlError {
  const original = error.originalError;
  if (original !== undefined && !(original instanceof GraphqlRefusal) && !(original instanceof GraphQLError)) throw original;
  return {
    type: original instanceof GraphqlRefusal ? original.type : GraphqlErrorType.invalidQuery,
    ...(error.path === undefined ? {} : { path: error.path }),
    ...(error.locations === undefined ? {} : { locations: error.locations }),
    message: githubMessage(error.message),
  };
}

function refused(operationId: string, errors: readonly GithubGraphqlError[], data?: unknown): GraphqlAnswer {
  return { status: 200, body: { ...(data === undefined ? {} : { data }), errors }, operationId, invalid: errors.map((e) => e.message).join("; ") };
}

function rootFields(operation: OperationDefinitionNode): string {
  return operation.selectionSet.selections.flatMap((s) => (s.kind === Kind.FIELD ? [s.name.value] : [])).join("+");
}

/**
 * Answers a GraphQL request the way api.github.com/graphql does: the document is parsed and
 * validated against the simulator's part of GitHub's schema by graphql-js, then executed; every
 * problem is an entry of `errors` with HTTP 200, as GitHub sends them.
 */
export async function answerGraphql(ctx: GraphqlContext, raw: Buffer): Promise<GraphqlAnswer> {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString("utf8"));
  } catch {
    return { status: 400, body: { message: "Problems parsing JSON", documentation_url: "https://docs.github.com/graphql" }, operationId: "graphql", invalid: "body is not JSON" };
  }
  const request = requestBody.safeParse(json);
  if (!request.success) return refused("graphql", [{ type: GraphqlErrorType.invalidQuery, message: "A query attribute must be specified and must be a string." }]);
  const { query, variables, operationName } = request.data;
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    if (error instanceof GraphQLError) return refused("graphql", [formatError(error)]);
    throw error;
  }
  const operation = getOperationAST(document, operationName ?? undefined);
  const operationId = operation ? `graphql/${rootFields(operation)}` : "graphql";
  const problems = validate(githubSchema, document);
  if (problems.length > 0) return refused(operationId, problems.map(formatError));
  const result = await execute({ schema: githubSchema, document, rootValue: rootResolvers(ctx), variableValues: variables ?? {}, operationName: operationName ?? undefined });
  if (result.errors !== undefined && result.errors.length > 0) return refused(operationId, result.errors.map(formatError), result.data);
  return { status: 200, body: { data: result.data }, operationId, invalid: null };
}
