import { SpecError } from "../spec/validate";

/** Bad command-line usage: the message, then the usage text (exit 2). */
export class UsageError extends Error {}

/** Prints a command's failure the way every CLI of the project does and sets its exit code. */
export function reportFailure(e: unknown, opts: { usage: string; command: string; exitCodes?: [new (...args: never[]) => Error, number][] }): void {
  const known = opts.exitCodes?.find(([type]) => e instanceof type);
  if (e instanceof SpecError) {
    console.error(e.render());
    process.exitCode = 2;
  } else if (e instanceof UsageError) {
    console.error(`${e.message}\n${opts.usage}`);
    process.exitCode = 2;
  } else if (known) {
    console.error((e as Error).message);
    process.exitCode = known[1];
  } else {
    console.error(`${opts.command} failed: ${e instanceof Error ? e.message : String(e)}`);
    if (process.env.VAULT_EKS_DEBUG) console.error(e);
    process.exitCode = 1;
  }
}
