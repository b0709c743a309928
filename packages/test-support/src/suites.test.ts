import { execFileSync } from 'node:child_process';
import { expect, test } from 'vitest';
import config from '../../../vitest.config.ts';
import { REPO_ROOT } from './server-process.ts';

/** A vitest include pattern as a RegExp over repository paths (`**` any folders, `*` within one). */
function patternOf(glob: string): RegExp {
  const body = glob
    .split(/(\*\*\/|\*\*|\*)/)
    .map((part) =>
      part === '**/'
        ? '(?:.*/)?'
        : part === '**'
          ? '.*'
          : part === '*'
            ? '[^/]*'
            : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${body}$`);
}

test('every test file in the repository belongs to a project `pnpm test` runs', () => {
  const projects = (config.test?.projects ?? []) as { test: { include: string[] } }[];
  const includes = projects.flatMap((p) => p.test.include).map(patternOf);
  const files = execFileSync('git', ['ls-files', '*.test.ts', '*.test.tsx'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter(Boolean);
  expect(files.length).toBeGreaterThan(50);
  // A test named outside every project's pattern would never run, and nobody would see it.
  expect(files.filter((f) => !includes.some((re) => re.test(f)))).toEqual([]);
  expect(patternOf('apps/pos-pwa/e2e/**/*.e2e.test.ts').test('apps/pos-pwa/e2e/till.test.ts')).toBe(
    false,
  );
});
