import { randomUUID } from 'node:crypto';
import { users } from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { afterEach, beforeEach, expect, test } from 'vitest';
import type { Db } from '../db/database.ts';
import { ConfigError } from '../env.ts';
import { describeDb } from '../test-support/describe-db.ts';
import { openTestDatabase, type TestDatabase } from '../test-support/test-db.ts';
import { hashSecret } from './passwords.ts';
import { bootstrapAdmin } from './service.ts';

let testDb: TestDatabase;
let db: Db;

beforeEach(async () => {
  testDb = await openTestDatabase();
  db = testDb.database.db;
});
afterEach(async () => {
  await testDb.dispose();
});

const ADMIN = { email: 'Owner@Venue.test', password: 'a long passphrase' };

async function addUser(email: string, role: Role) {
  await db
    .insert(users)
    .values({ id: randomUUID(), email, passwordHash: await hashSecret('password-123'), role });
}

const roles = async () =>
  (await db.select({ email: users.email, role: users.role }).from(users)).sort((a, b) =>
    a.email.localeCompare(b.email),
  );

describeDb('bootstrap Nitecore admin', () => {
  test('creates the admin on a database without one, once', async () => {
    expect(await bootstrapAdmin(db, ADMIN)).toBe(true);
    expect(await bootstrapAdmin(db, ADMIN)).toBe(false);
    expect(await roles()).toEqual([{ email: 'owner@venue.test', role: Role.nitecoreAdmin }]);
  });

  test('leaves an existing Nitecore admin alone, whatever email is configured', async () => {
    await addUser('first@venue.test', Role.nitecoreAdmin);
    expect(await bootstrapAdmin(db, ADMIN)).toBe(false);
    expect(await roles()).toEqual([{ email: 'first@venue.test', role: Role.nitecoreAdmin }]);
  });

  test('refuses, naming the email, when a guest account has it and no admin exists', async () => {
    await addUser('owner@venue.test', Role.guest);
    const refused = bootstrapAdmin(db, ADMIN);
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(refused).rejects.toThrow(
      /owner@venue\.test \(NITEOS_BOOTSTRAP_ADMIN_EMAIL\) belongs to a guest account/,
    );
    // Never promoted: whoever signed up with the address is not made an admin.
    expect(await roles()).toEqual([{ email: 'owner@venue.test', role: Role.guest }]);
  });

  test('two processes starting at once create one admin and both start', async () => {
    const created = await Promise.all([bootstrapAdmin(db, ADMIN), bootstrapAdmin(db, ADMIN)]);
    expect(created.sort()).toEqual([false, true]);
    expect(await roles()).toEqual([{ email: 'owner@venue.test', role: Role.nitecoreAdmin }]);
  });
});
