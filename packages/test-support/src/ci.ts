/**
 * Whether this run is CI, where the real-service and browser suites must run
 * and fail loudly rather than skip. CI systems spell it CI=true, CI=1 or
 * CI=True; only unset, empty, 0 and false mean a developer's machine.
 */
export function inCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}
