import { describe, expect, it } from "vitest";
import type { ChangeSet } from "../../src/engine/change-set.js";
import type { RevisionRequest } from "../../src/engine/phase-artifacts.js";
import { threadReply } from "../../src/engine/phases/pushing.js";
import { renderRevisionRequest } from "../../src/engine/phases/revising.js";
import { TaskState } from "../../src/engine/task-states.js";
import { insertTask } from "../../src/store/tasks.js";
import { sampleTask, useDatabase } from "../support/temp-database.js";

const database = useDatabase();

const request: RevisionRequest = {
  reviewId: 77,
  reviewer: "mona",
  body: "Two things.",
  threads: [
    { commentId: 501, path: "README.md", line: 25, comments: [{ author: "mona", body: "Describe subtract." }] },
    { commentId: 502, path: "test/ops.test.js", line: 14, comments: [{ author: "mona", body: "Test negatives, and see #12." }] },
  ],
  commitSha: "abc1234",
  summary: "Described subtract and added a test.",
  replied: [],
};
const changeSet = (replies?: ChangeSet["replies"]): ChangeSet => ({
  summary: "Described subtract and added a test.",
  commitMessage: "Describe subtract",
  changes: [{ kind: "write", path: "README.md", content: "x" }],
  refusals: [],
  at: 1,
  ...(replies ? { replies } : {}),
});

describe("answering a person's review threads", () => {
  it("numbers the threads for the implementer and asks for a reply to each", () => {
    const text = renderRevisionRequest(request);
    expect(text).toContain('<thread n="1" file="README.md" line="25">');
    expect(text).toContain('<thread n="2" file="test/ops.test.js" line="14">');
    expect(text).toContain("give `replies`: one per thread, by its n");
  });

  it("replies to each thread with what the implementer said of it, else with the revision's summary", () => {
    const task = insertTask(database(), sampleTask({ issueNumber: 3 }), TaskState.pushing, 1);
    const said = changeSet([{ thread: 2, reply: "Added a negative test; closes #12 too." }]);

    const first = threadReply(task, request, said, request.threads[0] ?? { commentId: 0, path: "" });
    const second = threadReply(task, request, said, request.threads[1] ?? { commentId: 0, path: "" });

    expect(first).toContain("Addressed in abc1234 (`README.md` changed): Described subtract and added a test.");
    expect(second).toContain("Addressed in abc1234: Added a negative test;");
    // Model text cannot close an issue from a thread reply: the keyword is made inert.
    expect(second).toContain("`closes #12`");
  });
});
