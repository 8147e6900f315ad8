import { describe, expect, it } from "vitest";
import { TaskState } from "../../src/engine/task-states.js";
import { loadArtifact, saveArtifact } from "../../src/store/task-artifacts.js";
import { insertTask } from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();
const plan = { summary: "Add sub", steps: [{ goal: "Subtract", files: ["src/calc.ts"], change: "export sub", tests: "calc.test.ts" }] };

describe("task artifacts", () => {
  it("loads a saved artifact back as parsed JSON", () => {
    const db = database();
    const taskId = insertTask(db, sampleTask(), TaskState.planning, 1_000).id;

    saveArtifact(db, taskId, "plan", plan, 2_000);

    expect(loadArtifact(db, taskId, "plan")).toEqual(plan);
  });

  it("overwrites an artifact of the same kind, leaving other kinds alone", () => {
    const db = database();
    const taskId = insertTask(db, sampleTask(), TaskState.planning, 1_000).id;
    saveArtifact(db, taskId, "plan", plan, 2_000);
    saveArtifact(db, taskId, "changes", [{ kind: "delete", path: "old.ts" }], 2_000);

    saveArtifact(db, taskId, "plan", { ...plan, summary: "Add sub and mul" }, 3_000);

    expect(loadArtifact(db, taskId, "plan")).toEqual({ ...plan, summary: "Add sub and mul" });
    expect(loadArtifact(db, taskId, "changes")).toEqual([{ kind: "delete", path: "old.ts" }]);
    expect(db.prepare("SELECT count(*) AS n FROM task_artifacts").get()).toEqual({ n: 2 });
  });

  it("has nothing for a kind never saved or another task", () => {
    const db = database();
    const taskId = insertTask(db, sampleTask(), TaskState.planning, 1_000).id;
    saveArtifact(db, taskId, "plan", plan, 2_000);

    expect(loadArtifact(db, taskId, "changes")).toBeUndefined();
    expect(loadArtifact(db, taskId + 1, "plan")).toBeUndefined();
  });
});
