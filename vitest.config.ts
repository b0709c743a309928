import { defineConfig } from 'vitest/config';

/**
 * One runner for the whole tree. Server tests named `*.db.test.ts` run twice:
 * on embedded PGlite and on the real PostgreSQL (TEST_DATABASE_URL, default
 * the machine's 127.0.0.1:5432). `*.pg.test.ts` need real PostgreSQL only
 * (several processes on one database).
 */
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'ledger-core',
          include: ['packages/ledger-core/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'schema',
          include: ['packages/schema/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'test-support',
          include: ['packages/test-support/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'pos-pwa',
          include: ['apps/pos-pwa/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'guest-pwa',
          include: ['apps/guest-pwa/src/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'server',
          include: ['apps/server/src/**/*.test.ts'],
          exclude: ['**/*.db.test.ts', '**/*.pg.test.ts', '**/node_modules/**'],
        },
      },
      {
        test: {
          name: 'server-pglite',
          include: ['apps/server/src/**/*.db.test.ts'],
          env: { NITEOS_TEST_DB: 'pglite' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'server-postgres',
          include: ['apps/server/src/**/*.db.test.ts', 'apps/server/src/**/*.pg.test.ts'],
          env: { NITEOS_TEST_DB: 'postgres' },
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'pos-e2e',
          include: ['apps/pos-pwa/e2e/**/*.e2e.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'guest-e2e',
          include: ['apps/guest-pwa/e2e/**/*.e2e.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'server-processes',
          include: ['apps/server/test/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          // infra/: nginx, backup and deploy scripts run for real against real servers.
          name: 'infra',
          include: ['infra/test/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
