#!/usr/bin/env node
// Fails when packages/schema's tables and the migrations in drizzle/ disagree:
// drizzle-kit generates into a scratch copy of drizzle/, and any new file means
// a schema change was committed without its migration.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(path.join(tmpdir(), 'niteos-db-check-'));
const list = (dir) => readdirSync(dir, { recursive: true }).map(String).sort();
try {
  cpSync(path.join(root, 'drizzle'), scratch, { recursive: true });
  const before = list(scratch);
  // drizzle-kit prefixes "./" to the out folder, so it must be relative.
  const out = execFileSync(
    path.join(root, 'node_modules/.bin/drizzle-kit'),
    ['generate', '--name', 'pending'],
    {
      cwd: root,
      env: { ...process.env, DRIZZLE_OUT: path.relative(root, scratch) },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const added = list(scratch).filter((f) => !before.includes(f));
  // drizzle-kit exits 0 even when it fails, so its own verdict is required too.
  if (!out.includes('No schema changes')) {
    console.error(`drizzle-kit did not confirm the schema is unchanged:\n${out}`);
    process.exit(1);
  }
  if (added.length > 0) {
    console.error(`schema and migrations disagree: drizzle-kit would add ${added.join(', ')}`);
    console.error('run `pnpm db:generate` and commit the migration with the schema change');
    process.exit(1);
  }
  console.log('schema and migrations agree');
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
