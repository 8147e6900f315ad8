import type { SimAnnotation } from "../github/sim-model.js";

const levels = { error: "failure", warning: "warning", notice: "notice" } as const;

function unescape(value: string): string {
  return value.replaceAll("%0D", "\r").replaceAll("%0A", "\n").replaceAll("%3A", ":").replaceAll("%2C", ",").replaceAll("%25", "%");
}

/**
 * The annotations a step asks for with workflow commands (`::error file=a.js,line=3::message`), as
 * the runner turns them into the job's annotations. Commands that name no file are left out.
 */
export function workflowCommandAnnotations(lines: readonly string[]): SimAnnotation[] {
  const annotations: SimAnnotation[] = [];
  for (const line of lines) {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line.trim());
    if (!match) continue;
    const [, kind = "error", props = "", message = ""] = match;
    const fields = new Map(
      props
        .split(",")
        .map((p) => p.split("="))
        .map(([k = "", ...v]) => [k.trim(), unescape(v.join("="))] as const),
    );
    const path = fields.get("file");
    const startLine = Number(fields.get("line") ?? 1);
    if (!path || !Number.isInteger(startLine)) continue;
    const endLine = Number(fields.get("endLine") ?? startLine);
    const column = (key: string): number | null => (fields.has(key) ? Number(fields.get(key)) : null);
    annotations.push({
      path,
      startLine,
      endLine: Number.isInteger(endLine) ? endLine : startLine,
      startColumn: column("col"),
      endColumn: column("endColumn"),
      level: levels[kind as keyof typeof levels],
      title: fields.get("title") ?? null,
      message: unescape(message),
      rawDetails: null,
    });
  }
  return annotations;
}
