export { OpenApiValidator, type OpenApiValidatorOptions } from "./openapi-validator.js";
export type { MatchedOperation } from "./path-matcher.js";
export type { ValidationIssue } from "./validation-issue.js";
export { notFoundBody, unprocessableBody, validationFailedBody, type GitHubErrorBody, type GitHubFieldError } from "./github-errors.js";
