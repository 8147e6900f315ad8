/** Which operation a request addresses, and its percent-decoded path parameters. */
export interface MatchedOperation {
  operationId: string;
  method: string;
  pathTemplate: string;
  pathParams: Record<string, string>;
}

export interface RouteDefinition {
  operationId: string;
  method: string;
  pathTemplate: string;
  /** Parameters GitHub marks `x-multi-segment` (refs, branches, file paths) may span `/`. */
  multiSegmentParams: ReadonlySet<string>;
}

type Segment = { kind: "literal"; text: string } | { kind: "param"; name: string; multi: boolean };

interface Route extends RouteDefinition {
  segments: readonly Segment[];
  literalCount: number;
}

interface Candidate {
  route: Route;
  params: Record<string, string>;
  /** Raw segments beyond one per parameter; fewer means a tighter fit. */
  extraSegments: number;
}

function splitPath(pathname: string): string[] {
  const withoutQuery = pathname.split("?", 1)[0] ?? "";
  const parts = withoutQuery.split("/").slice(1);
  if (parts.length > 1 && parts.at(-1) === "") parts.pop();
  return parts;
}

function compile(definition: RouteDefinition): Route {
  const segments = splitPath(definition.pathTemplate).map((part): Segment => {
    const param = /^\{([^}]+)\}$/.exec(part)?.[1];
    return param === undefined
      ? { kind: "literal", text: part }
      : { kind: "param", name: param, multi: definition.multiSegmentParams.has(param) };
  });
  return { ...definition, segments, literalCount: segments.filter((s) => s.kind === "literal").length };
}

function decode(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * Walks template segments against raw path segments. Octokit sends `heads%2Fmain` where other
 * clients send `heads/main`, so a multi-segment parameter tries every span that lets the rest of
 * the template match, shortest first.
 */
function matchSegments(segments: readonly Segment[], parts: readonly string[]): { params: Record<string, string>; extra: number } | undefined {
  const params: Record<string, string> = {};
  const walk = (si: number, pi: number, extra: number): number | undefined => {
    const segment = segments[si];
    if (segment === undefined) return pi === parts.length ? extra : undefined;
    if (segment.kind === "literal") return parts[pi] === segment.text ? walk(si + 1, pi + 1, extra) : undefined;
    const remainingSegments = segments.length - si - 1;
    const maxSpan = segment.multi ? parts.length - pi - remainingSegments : 1;
    for (let span = 1; span <= maxSpan; span++) {
      const raw = parts.slice(pi, pi + span);
      if (raw.some((part) => part === "")) break;
      const value = decode(raw.join("/"));
      if (value === undefined) return undefined;
      params[segment.name] = value;
      const result = walk(si + 1, pi + span, extra + span - 1);
      if (result !== undefined) return result;
    }
    return undefined;
  };
  const extra = walk(0, 0, 0);
  return extra === undefined ? undefined : { params, extra };
}

export class PathMatcher {
  readonly #routes: readonly Route[];

  constructor(definitions: readonly RouteDefinition[]) {
    this.#routes = definitions.map(compile);
  }

  /** Prefers the template with the most literal segments, then the one needing fewest spans. */
  match(method: string, rawPathname: string): MatchedOperation | undefined {
    const upper = method.toUpperCase();
    const parts = splitPath(rawPathname);
    let best: Candidate | undefined;
    for (const route of this.#routes) {
      if (route.method !== upper) continue;
      const found = matchSegments(route.segments, parts);
      if (found === undefined) continue;
      const candidate = { route, params: found.params, extraSegments: found.extra };
      if (best === undefined || isBetter(candidate, best)) best = candidate;
    }
    if (best === undefined) return undefined;
    const { operationId, method: routeMethod, pathTemplate } = best.route;
    return { operationId, method: routeMethod, pathTemplate, pathParams: best.params };
  }
}

function isBetter(a: Candidate, b: Candidate): boolean {
  if (a.route.literalCount !== b.route.literalCount) return a.route.literalCount > b.route.literalCount;
  return a.extraSegments < b.extraSegments;
}
