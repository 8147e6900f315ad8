import type { Db } from "./open-database.js";
import { statement } from "./statement-cache.js";

/** Named JSON documents a task produces and later phases read (the plan, the change set, …). */
export function saveArtifact(db: Db, taskId: number, kind: string, content: unknown, at: number): void {
  statement(db, 
    `INSERT INTO task_artifacts (task_id, kind, content, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (task_id, kind) DO UPDATE SET content = excluded.content, created_at = excluded.created_at`,
  ).run(taskId, kind, JSON.stringify(content), at);
}

/** The stored JSON, unparsed; the caller checks it against its own schema. */
export function loadArtifact(db: Db, taskId: number, kind: string): unknown {
  const text = loadArtifactText(db, taskId, kind);
  return text === undefined ? undefined : (JSON.parse(text) as unknown);
}

/** The stored JSON as text, for a caller that remembers what it made of the same text before. */
export function loadArtifactText(db: Db, taskId: number, kind: string): string | undefined {
  return statement<[number, string], { content: string }>(db, "SELECT content FROM task_artifacts WHERE task_id = ? AND kind = ?").get(taskId, kind)?.content;
}
