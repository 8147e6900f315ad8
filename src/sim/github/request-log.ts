/** One request the simulator answered, as tests and the demo read them. */
export interface SimRequestRecord {
  readonly operationId: string | null;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** Why GitHub would have refused it (no such route, schema, auth, semantics); null when it succeeded. */
  readonly invalid: string | null;
  /** Problems with the simulator's own response against the API description: a simulator bug. */
  readonly responseIssues: readonly string[];
  readonly at: number;
}

/** The log's name for a download from codeload (the archive host behind the tarball redirect). */
export const codeloadOperation = "codeload/download";

export class RequestLog {
  readonly #records: SimRequestRecord[] = [];

  add(record: SimRequestRecord): void {
    this.#records.push(record);
  }

  all(): readonly SimRequestRecord[] {
    return this.#records;
  }

  /** `requests` counts REST calls; archive downloads from codeload are counted apart, as `downloads`. */
  stats(): { requests: number; downloads: number; byOperation: Record<string, number>; invalidRequests: number; invalidResponses: number } {
    const byOperation: Record<string, number> = {};
    const downloads = this.#records.filter((r) => r.operationId === codeloadOperation).length;
    for (const r of this.#records) {
      const key = r.operationId ?? `${r.method} ${r.path}`;
      byOperation[key] = (byOperation[key] ?? 0) + 1;
    }
    return {
      requests: this.#records.length - downloads,
      downloads,
      byOperation,
      invalidRequests: this.#records.filter((r) => r.invalid !== null).length,
      invalidResponses: this.#records.filter((r) => r.responseIssues.length > 0).length,
    };
  }
}
