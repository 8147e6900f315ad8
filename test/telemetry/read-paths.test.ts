import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { advanceJob } from "../../src/engine/job-kinds.js";
import { createTask, startPlanning } from "../../src/engine/transitions.js";
import { buildDashboardData, DashboardTaskNotFoundError } from "../../src/telemetry/dashboard-data.js";
import { ObservabilityReader, readPathsInProcess } from "../../src/telemetry/read-paths.js";
import { sampleTask, useTempFolder } from "../support/temp-database.js";

const folder = useTempFolder();

describe("ObservabilityReader", () => {
  it("reads the scrape and the dashboard on its own thread, the same as in process, with this process's metrics added", async () => {
    const db = folder.open();
    const task = createTask(db, sampleTask(), { at: Date.UTC(2026, 10, 20), enqueue: (id) => advanceJob(id, Date.UTC(2026, 10, 20)) });
    startPlanning(db, task.id, { at: Date.UTC(2026, 10, 20, 0, 1) });
    const now = Date.UTC(2026, 10, 21);
    const options = { now: () => now, providers: ["anthropic", "openai"], circuits: () => ({ openai: "open" as const }) };
    const reader = new ObservabilityReader({ path: db.name, ...options });
    try {
      const text = await reader.render();
      expect(text).toContain('orchestrator_tasks_in_state{state="planning"} 1');
      expect(text).toContain('orchestrator_circuit_state{provider="openai"} 2');
      expect(text).toContain('orchestrator_circuit_state{provider="anthropic"} 0');
      // Process metrics come from this thread, not the reader's.
      expect(text).toMatch(/^process_cpu_user_seconds_total /m);
      expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
      expect(reader.contentType).toMatch(/^text\/plain; version=0\.0\.4/);

      const fromThread = await reader.dashboard({ days: 7, taskId: task.id });
      expect(fromThread).toEqual(buildDashboardData(db, { now, days: 7, taskId: task.id }));
      expect(await readPathsInProcess(db, options).dashboard({ days: 7 })).toEqual(await reader.dashboard({ days: 7 }));

      const missing = reader.dashboard({ taskId: 999 });
      await expect(missing).rejects.toBeInstanceOf(DashboardTaskNotFoundError);
      await expect(missing).rejects.toThrow("Task 999 does not exist in this database.");
      // Requests at once are answered each with its own reply.
      const [a, b] = await Promise.all([reader.dashboard({ days: 1 }), reader.dashboard({ days: 30 })]);
      expect([a.window, b.window]).toEqual([buildDashboardData(db, { now, days: 1 }).window, buildDashboardData(db, { now, days: 30 }).window]);
    } finally {
      await reader.stop();
    }
    await expect(reader.render()).rejects.toThrow("the observability reader stopped");
  });

  it("a database it cannot open is an error for the request, and the next request tries again", async () => {
    const reader = new ObservabilityReader({ path: join(folder.path(), "missing.db"), providers: [], now: () => Date.now(), circuits: () => ({}) });
    try {
      const path = join(folder.path(), "missing.db");
      await expect(reader.render()).rejects.toThrow(`Cannot read the database at ${path}: `);
      await expect(reader.dashboard({})).rejects.toThrow(`Cannot read the database at ${path}: `);
      // Once the file is there, the same reader reads it.
      folder.open("missing.db");
      await expect(reader.render()).resolves.toContain("orchestrator_tasks_total");
    } finally {
      await reader.stop();
    }
  });
});
