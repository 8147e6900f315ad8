import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * Formats GitHub's descriptions use that ajv-formats does not know. They describe the value
 * (an int64 id, an `owner/repo` name) rather than constrain it, so they always pass.
 */
const DESCRIPTIVE_FORMATS = ["int32", "int64", "repo.nwo", "binary", "byte", "password"] as const;

export function createAjv(options: { coerceTypes?: boolean } = {}): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes: options.coerceTypes ?? false });
  // ajv-formats is CommonJS; under NodeNext its default import is the module object.
  addFormatsModule.default(ajv);
  for (const format of DESCRIPTIVE_FORMATS) ajv.addFormat(format, true);
  return ajv;
}
