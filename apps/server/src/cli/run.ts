import { causes } from '../db/pg-error.ts';

/**
 * Runs a command-line entry point: its failure is printed as one clear
 * line (no stack trace for an expected problem) and exit code 2.
 */
export function runCli(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      // The innermost cause says what went wrong ("connect ECONNREFUSED",
      // "database … does not exist"); drizzle's wrapper only names the query.
      const cause = causes(err).at(-1);
      process.stderr.write(`${cause instanceof Error ? cause.message : String(cause)}\n`);
      process.exitCode = 2;
    },
  );
}
