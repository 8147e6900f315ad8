/** GitHub's `type` on a GraphQL error: what the client did wrong, in GitHub's words. */
export const GraphqlErrorType = {
  notFound: "NOT_FOUND",
  unprocessable: "UNPROCESSABLE",
  missingPaginationBoundaries: "MISSING_PAGINATION_BOUNDARIES",
  excessivePagination: "EXCESSIVE_PAGINATION",
  /** Not GitHub's: GitHub answers a query it cannot parse or validate without a `type`. */
  invalidQuery: "INVALID_QUERY",
} as const;

export type GraphqlErrorType = (typeof GraphqlErrorType)[keyof typeof GraphqlErrorType];

/** Thrown by a resolver for an answer GitHub gives as an entry of `errors` (with HTTP 200). */
export class GraphqlRefusal extends Error {
  override readonly name = "GraphqlRefusal";

  constructor(
    readonly type: GraphqlErrorType,
    message: string,
  ) {
    super(message);
  }
}
