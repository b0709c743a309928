import { rootMessage } from '../db/pg-error.ts';

/**
 * Runs a command-line entry point: its failure is printed as one clear
 * line (no stack trace for an expected problem) and exit code 2. It takes
 * no arguments: `--help` prints `usage`, anything else is refused before
 * it runs (`db:migrate --dry-run` once migrated for real).
 */
export function runCli(usage: string, main: () => Promise<number>): void {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${usage}\n`);
    return;
  }
  if (args.length > 0) {
    process.stderr.write(
      `unknown argument ${args[0]}: it takes none (settings come from the environment)\n${usage}\n`,
    );
    process.exitCode = 2;
    return;
  }
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`${rootMessage(err)}\n`);
      process.exitCode = 2;
    },
  );
}
