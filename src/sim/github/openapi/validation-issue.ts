/** One way a request, response or webhook payload departs from GitHub's published description. */
export interface ValidationIssue {
  where: "path" | "query" | "body" | "response";
  /** Readable on its own, e.g. `body/title: must be string`. */
  message: string;
  /** JSON pointer into the checked value, when the issue is about one place in it. */
  pointer?: string;
}
