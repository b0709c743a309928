/** Test helpers shared by the server's and the PWAs' suites: real services, real processes, real Chromium. */
export * from './ci.ts';
export * from './infra-script.ts';
export * from './postgres.ts';
export * from './server-process.ts';
