import { join } from "node:path";
import { PROJECT_ROOT } from "./project-root";

/** import() of an ES module by package name, made from lib/esm-import.cjs (that file says why). */
export function importEsm<T>(specifier: string): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = require(join(PROJECT_ROOT, "lib", "esm-import.cjs")) as (specifier: string) => Promise<T>;
  return load(specifier);
}
