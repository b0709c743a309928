/** Structured JSON logs, one object a line. Callers never pass secrets. */
export type Logger = (
  entry: { level: 'info' | 'warn' | 'error'; msg: string } & Record<string, unknown>,
) => void;

export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  return (entry) => write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

export const silentLogger: Logger = () => {};
