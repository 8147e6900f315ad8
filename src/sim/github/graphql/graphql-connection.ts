import { GraphqlErrorType, GraphqlRefusal } from "./graphql-error.js";

export interface ConnectionArgs {
  readonly first?: number | null;
  readonly after?: string | null;
  readonly last?: number | null;
  readonly before?: string | null;
}

/** GitHub's ceiling on `first` and `last`. */
const MAX_PAGE = 100;

function cursorOf(index: number): string {
  return Buffer.from(`cursor:v2:${index}`).toString("base64");
}

function indexOf(cursor: string | null | undefined): number | undefined {
  if (cursor === null || cursor === undefined) return undefined;
  const match = /^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, "base64").toString("utf8"));
  if (!match) throw new GraphqlRefusal(GraphqlErrorType.unprocessable, `\`${cursor}\` does not appear to be a valid cursor.`);
  return Number(match[1]);
}

/**
 * One page of a connection as GitHub pages it: `first` or `last` is required and at most 100;
 * `after` and `before` are cursors of this connection. Only the page's items become nodes.
 */
export function connection<T, N>(items: readonly T[], args: ConnectionArgs, name: string, toNode: (item: T) => N) {
  const { first, last } = args;
  if ((first === null || first === undefined) && (last === null || last === undefined)) {
    throw new GraphqlRefusal(GraphqlErrorType.missingPaginationBoundaries, `You must provide a \`first\` or \`last\` value to properly paginate the \`${name}\` connection.`);
  }
  for (const [argument, value] of [["first", first], ["last", last]] as const) {
    if (value !== null && value !== undefined && (value < 0 || value > MAX_PAGE)) {
      throw new GraphqlRefusal(GraphqlErrorType.excessivePagination, `Requesting ${value} records on the \`${name}\` connection exceeds the \`${argument}\` limit of ${MAX_PAGE} records.`);
    }
  }
  let start = (indexOf(args.after) ?? -1) + 1;
  let end = Math.min(items.length, indexOf(args.before) ?? items.length);
  if (first !== null && first !== undefined) end = Math.min(end, start + first);
  if (last !== null && last !== undefined) start = Math.max(start, end - last);
  const page = items.slice(start, end).map((item, offset) => ({ cursor: cursorOf(start + offset), node: toNode(item) }));
  return {
    nodes: page.map((edge) => edge.node),
    edges: page,
    totalCount: items.length,
    pageInfo: { hasNextPage: end < items.length, hasPreviousPage: start > 0, startCursor: page[0]?.cursor ?? null, endCursor: page.at(-1)?.cursor ?? null },
  };
}
