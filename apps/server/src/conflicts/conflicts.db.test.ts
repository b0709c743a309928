import { randomUUID } from 'node:crypto';
import {
  accounts,
  analyticsOutbox,
  auditLog,
  conflicts,
  ledgerLines,
  ops,
} from '@niteos/schema/tables';
import { Role } from '@niteos/schema/wire';
import { eq, inArray, sql } from 'drizzle-orm';
import { expect, test } from 'vitest';
import { describeDb } from '../test-support/describe-db.ts';
import { useTwoVenues } from '../test-support/two-venues.ts';
import { LIST_LIMIT } from './service.ts';

const two = useTwoVenues();

describeDb('conflicts', () => {
  /** A sale held insufficient_funds; `spelled` is the tag as the till signs the sale. */
  async function heldSale(amountNc: number, spelled = (tag: string) => tag) {
    const till = await two.server.enrollTill(two.venueId);
    const tag = `c0ffee${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const topup = await till.topup(tag, 1000);
    const sale = await till.sale(spelled(tag), amountNc);
    const { body } = await till.push(two.server.send, [topup, sale]);
    expect(body.results[1]?.reason).toBe('insufficient_funds');
    const list = await two.server.json('GET', '/api/admin/conflicts?status=open', two.admin);
    const conflict = list.body.conflicts.find((c: { opId: string }) => c.opId === sale.envelope.id);
    return { tag, sale, conflict, till };
  }
  const balance = async (tag: string) =>
    (await two.server.json('GET', `/api/wallets/${tag}`, two.admin)).body.balanceNc;
  const resolve = (id: string, resolution: string, token = two.admin) =>
    two.server.json('POST', `/api/admin/conflicts/${id}/resolve`, token, {
      resolution,
      note: 'checked the camera',
    });

  test('the detail shows the op as signed, its till and the guest history', async () => {
    const { tag, conflict, sale, till } = await heldSale(1500);
    const res = await two.server.json('GET', `/api/admin/conflicts/${conflict.id}`, two.admin);
    expect(res.status).toBe(200);
    expect(res.body.op.envelope).toEqual(sale.envelope);
    expect(res.body.till).toMatchObject({ id: till.tillId, name: 'Bar 1' });
    expect(
      res.body.history.map((h: { kind: string; status: string }) => [h.kind, h.status]),
    ).toEqual([
      ['sale', 'held'],
      ['topup', 'applied'],
    ]);
    // Each line carries its tender and both amounts: a cash line is shown in CHF.
    expect(res.body.history[1]).toMatchObject({ tender: 'cash', amountChf: 1000 });
    expect(res.body.conflict.nitetapId).toBe(tag);
    // What accepting would charge: the wristband as it stands.
    expect(res.body.wallet).toEqual({
      nitetapId: tag,
      balanceNc: 1000,
      status: 'active',
      replacedBy: null,
    });
    expect(res.body.voidTarget).toBeNull();
    expect(
      (await two.server.json('GET', `/api/admin/conflicts/${conflict.id}`, two.otherAdmin)).status,
    ).toBe(403);
  });

  test('the detail of a sale on a band replaced since names the band accepting would charge', async () => {
    const { tag, conflict } = await heldSale(1500);
    const fresh = `c0ffee${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const replaced = await two.server.json('POST', `/api/admin/wallets/${tag}/replace`, two.admin, {
      newNitetapId: fresh,
    });
    expect(replaced.status).toBe(200);
    const res = await two.server.json('GET', `/api/admin/conflicts/${conflict.id}`, two.admin);
    expect(res.body.wallet).toEqual({
      nitetapId: tag,
      balanceNc: 0,
      status: 'blocked',
      replacedBy: { nitetapId: fresh, balanceNc: 1000 },
    });
  });

  test('the detail of a held void shows the sale it cancels once that sale is on the server', async () => {
    const till = await two.server.enrollTill(two.venueId);
    const tag = `c0ffee${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    await till.push(two.server.send, [await till.topup(tag, 3000)]);
    const sale = await till.sale(tag, 1200);
    const voiding = await two.server.enrollTill(two.venueId);
    const early = await voiding.push(two.server.send, [await voiding.voidOf(sale)]);
    expect(early.body.results[0]?.reason).toBe('void_target_missing');
    const list = await two.server.json('GET', '/api/admin/conflicts?status=open', two.admin);
    const held = list.body.conflicts.find(
      (c: { opId: string }) => c.opId === early.body.results[0]?.id,
    );
    const detail = () => two.server.json('GET', `/api/admin/conflicts/${held.id}`, two.admin);
    expect((await detail()).body.op.envelope.voids).toBe(sale.envelope.id);
    expect((await detail()).body.voidTarget).toBeNull();
    await till.push(two.server.send, [sale]);
    expect((await detail()).body.voidTarget).toEqual({
      id: sale.envelope.id,
      tender: 'nc',
      amountNc: 1200,
      amountChf: 0,
      standing: 'applied',
      voidedBy: null,
    });
  });

  test("a held void naming another venue's sale shows this venue's admin nothing of it", async () => {
    const elsewhere = await two.server.enrollTill(two.otherVenueId);
    const tag = `c0ffee${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const theirSale = await elsewhere.sale(null, 2500, 'card');
    await elsewhere.push(two.server.send, [theirSale]);
    // A lost till of this venue, revoked: whatever it pushes is held for the admin.
    const lost = await two.server.enrollTill(two.venueId);
    await lost.push(two.server.send, [await lost.topup(tag, 100)]);
    await two.server.json('POST', `/api/admin/tills/${lost.tillId}/revoke`, two.admin);
    const forged = await lost.voidOf(theirSale);
    const pushed = await lost.push(two.server.send, [forged]);
    expect(pushed.body.results[0]?.reason).toBe('revoked_till');
    const list = await two.server.json('GET', '/api/admin/conflicts?status=open', two.admin);
    const held = list.body.conflicts.find((c: { opId: string }) => c.opId === forged.envelope.id);
    const detail = await two.server.json('GET', `/api/admin/conflicts/${held.id}`, two.admin);
    expect(detail.body.op.envelope.voids).toBe(theirSale.envelope.id);
    expect(detail.body.voidTarget).toBeNull();
  });

  test('accept applies the held sale and lets the wallet go into debt', async () => {
    const { tag, conflict } = await heldSale(1500);
    const res = await resolve(conflict.id, 'accept');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'resolved', resolution: 'accept' });
    expect(await balance(tag)).toBe(-500);
  });

  test('accepting a sale held unknown_wallet makes a wallet the venue can look up and block', async () => {
    const till = await two.server.enrollTill(two.venueId);
    const tag = `c0ffee${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const sale = await till.sale(tag, 700);
    const { body } = await till.push(two.server.send, [sale]);
    expect(body.results[0]?.reason).toBe('unknown_wallet');
    const list = await two.server.json('GET', '/api/admin/conflicts?status=open', two.admin);
    const held = list.body.conflicts.find((c: { opId: string }) => c.opId === sale.envelope.id);
    expect((await resolve(held.id, 'accept')).status).toBe(200);
    expect(await balance(tag)).toBe(-700);
    expect((await two.server.json('GET', `/api/wallets/${tag}`, two.staff)).status).toBe(200);
    const blocked = await two.server.json('POST', `/api/admin/wallets/${tag}/block`, two.admin);
    expect(blocked.status).toBe(200);
  });

  test('a sale signed with an upper-case tag is shown as signed and accepted onto its wallet', async () => {
    const { tag, conflict, sale } = await heldSale(1500, (t) => t.toUpperCase());
    const detail = await two.server.json('GET', `/api/admin/conflicts/${conflict.id}`, two.admin);
    expect(detail.body.op.envelope).toEqual(sale.envelope);
    expect(detail.body.op.envelope.nitetapId).toBe(tag.toUpperCase());
    expect((await resolve(conflict.id, 'accept')).status).toBe(200);
    expect(await balance(tag)).toBe(-500);
  });

  test('an op stored before migration 0005 (jsonb envelope, no signed text) is shown and resolved', async () => {
    const { tag, conflict, sale } = await heldSale(1500);
    await two.server.database.db
      .update(ops)
      .set({ envelope: sql`${ops.signed}::jsonb`, signed: null })
      .where(eq(ops.id, sale.envelope.id));
    const detail = await two.server.json('GET', `/api/admin/conflicts/${conflict.id}`, two.admin);
    expect(detail.body.op.envelope).toEqual(sale.envelope);
    expect((await resolve(conflict.id, 'accept')).status).toBe(200);
    expect(await balance(tag)).toBe(-500);
  });

  test('write_off charges the venue write-off account, not the guest', async () => {
    const { tag, conflict, sale } = await heldSale(1500);
    expect((await resolve(conflict.id, 'write_off')).status).toBe(200);
    expect(await balance(tag)).toBe(1000);
    const lines = await two.server.database.db
      .select()
      .from(ledgerLines)
      .where(eq(ledgerLines.opId, sale.envelope.id));
    expect(lines.map((l) => [l.accountId, l.amountNc]).sort()).toEqual(
      [
        [`v:${two.venueId}:write_off`, -1500],
        [`v:${two.venueId}:venue_revenue`, 1500],
      ].sort(),
    );
    const [writeOff] = await two.server.database.db
      .select()
      .from(accounts)
      .where(eq(accounts.id, `v:${two.venueId}:write_off`));
    expect(writeOff?.balanceNc).toBeLessThanOrEqual(-1500);
  });

  test('reject moves nothing; resolving again the same way is idempotent, another way is 409', async () => {
    const { tag, conflict } = await heldSale(1500);
    expect((await resolve(conflict.id, 'reject')).status).toBe(200);
    const again = await resolve(conflict.id, 'reject');
    expect(again.status).toBe(200);
    expect(again.body.resolution).toBe('reject');
    expect((await resolve(conflict.id, 'accept')).status).toBe(409);
    expect(await balance(tag)).toBe(1000);
  });

  test("a second admin's same decision with another note is 409, not a silent drop of the note", async () => {
    const { conflict } = await heldSale(1500);
    expect((await resolve(conflict.id, 'write_off')).status).toBe(200);
    const other = await two.server.json(
      'POST',
      `/api/admin/conflicts/${conflict.id}/resolve`,
      two.admin,
      {
        resolution: 'write_off',
        note: 'guest paid cash instead',
      },
    );
    expect(other.status).toBe(409);
    expect(other.body.error.message).toContain('checked the camera');
    const stored = await two.server.json('GET', `/api/admin/conflicts/${conflict.id}`, two.admin);
    expect(stored.body.conflict.note).toBe('checked the camera');
  });

  test('a rejected held sale never reaches the sales figures; an accepted one does', async () => {
    const rejected = await heldSale(1500);
    const accepted = await heldSale(1500);
    expect((await resolve(rejected.conflict.id, 'reject')).status).toBe(200);
    expect((await resolve(accepted.conflict.id, 'accept')).status).toBe(200);
    const events = await two.server.database.db
      .select({ id: analyticsOutbox.id })
      .from(analyticsOutbox)
      .where(
        inArray(analyticsOutbox.id, [
          `op:${rejected.sale.envelope.id}`,
          `op:${accepted.sale.envelope.id}`,
          `resolution:${rejected.conflict.id}`,
        ]),
      );
    expect(events.map((e) => e.id).sort()).toEqual(
      [`op:${accepted.sale.envelope.id}`, `resolution:${rejected.conflict.id}`].sort(),
    );
  });

  test('a list cut at its limit says there are more', async () => {
    const venueId = await two.server.createVenue();
    // More held ops than one list holds, written straight to the tables.
    await two.server.database.db.execute(sql`
      with held as (
        insert into ops (id, till_id, venue_id, seq, kind, tender, staff_id, amount_nc,
          amount_chf, canon_hash, sig, status, standing, till_at)
        select 'bulk-' || g, 'till-x', ${venueId}, g, 'sale', 'nc', 's', 100, 0, 'h', 's',
          'held', 'held', '2026-11-24T00:00:00Z'
        from generate_series(1, ${LIST_LIMIT + 1}) g
        returning id)
      insert into conflicts (id, op_id, venue_id, till_id, reason, amount_nc)
      select 'c-' || id, id, ${venueId}, 'till-x', 'chain_break', 100 from held`);
    const list = (status: string) =>
      two.server.json(
        'GET',
        `/api/admin/conflicts?status=${status}&venueId=${venueId}`,
        two.server.rootToken,
      );
    const open = await list('open');
    expect(open.body.conflicts).toHaveLength(LIST_LIMIT);
    expect(open.body.more).toBe(true);
    expect((await list('resolved')).body).toEqual({ conflicts: [], more: false });
  });

  test('open conflicts list oldest first, resolved ones newest first; no venue, no list', async () => {
    const first = (await heldSale(1500)).conflict;
    const second = (await heldSale(1600)).conflict;
    await resolve(first.id, 'reject');
    await resolve(second.id, 'reject');
    const ids = async (status: string) =>
      (
        await two.server.json('GET', `/api/admin/conflicts?status=${status}`, two.admin)
      ).body.conflicts
        .map((c: { id: string }) => c.id)
        .filter((id: string) => id === first.id || id === second.id);
    expect(await ids('resolved')).toEqual([second.id, first.id]);
    const open = [(await heldSale(1700)).conflict.id, (await heldSale(1800)).conflict.id];
    expect(
      (await two.server.json('GET', '/api/admin/conflicts?status=open', two.admin)).body.conflicts
        .map((c: { id: string }) => c.id)
        .filter((id: string) => open.includes(id)),
    ).toEqual(open);
    const homeless = (await two.server.userToken(Role.venueAdmin, null)).token;
    expect((await two.server.json('GET', '/api/admin/conflicts', homeless)).status).toBe(403);
  });

  test("a voided accepted sale refunds the guest and its XP; the admin's decision stays on record", async () => {
    const { tag, conflict, sale, till } = await heldSale(1500);
    await resolve(conflict.id, 'accept');
    const { body } = await till.push(two.server.send, [await till.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 1000, xp: 0 });
    expect(await balance(tag)).toBe(1000);
    // The admin's decision stays on record: the void does not rewrite it.
    const settled = await two.server.json('GET', `/api/admin/conflicts/${conflict.id}`, two.admin);
    expect(settled.body.conflict).toMatchObject({
      resolution: 'accept',
      note: 'checked the camera',
    });
  });

  test('a voided written-off sale gives the NC back to the write-off account, not the guest', async () => {
    const { tag, conflict, sale, till } = await heldSale(1500);
    expect((await resolve(conflict.id, 'write_off')).status).toBe(200);
    const writeOffBalance = async () =>
      (
        await two.server.database.db
          .select()
          .from(accounts)
          .where(eq(accounts.id, `v:${two.venueId}:write_off`))
      )[0]?.balanceNc;
    const before = await writeOffBalance();
    const { body } = await till.push(two.server.send, [await till.voidOf(sale)]);
    expect(body.results[0]).toMatchObject({ status: 'applied', balanceNc: 1000 });
    expect(await balance(tag)).toBe(1000);
    expect(await writeOffBalance()).toBe((before ?? 0) + 1500);
  });

  test("accepting a held void settles its held sale's conflict on record as that admin's", async () => {
    const till = await two.server.enrollTill(two.venueId);
    const tag = `c0ffee${randomUUID().replace(/-/g, '').slice(0, 10)}`;
    const topup = await till.topup(tag, 1000);
    const sale = await till.sale(tag, 1500);
    const voiding = await two.server.enrollTill(two.venueId);
    const early = await voiding.push(two.server.send, [await voiding.voidOf(sale)]);
    expect(early.body.results[0]?.reason).toBe('void_target_missing');
    const late = await till.push(two.server.send, [topup, sale]);
    expect(late.body.results[1]?.reason).toBe('insufficient_funds');
    const open = (await two.server.json('GET', '/api/admin/conflicts?status=open', two.admin)).body
      .conflicts as { id: string; opId: string }[];
    const heldVoid = open.find((c) => c.opId === early.body.results[0]?.id);
    const heldSale = open.find((c) => c.opId === sale.envelope.id);
    const admin = await two.server.userToken(Role.venueAdmin, two.venueId);
    expect((await resolve(heldVoid?.id ?? '', 'accept', admin.token)).status).toBe(200);
    const [saleConflict] = await two.server.database.db
      .select()
      .from(conflicts)
      .where(eq(conflicts.id, heldSale?.id ?? ''));
    expect(saleConflict).toMatchObject({
      status: 'resolved',
      resolution: 'reject',
      resolvedBy: admin.userId,
    });
    const [entry] = await two.server.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.target, heldVoid?.id ?? ''));
    expect(entry?.after).toMatchObject({ closesConflict: heldSale?.id });
    expect(await balance(tag)).toBe(1000);
  });

  test('another venue cannot list or resolve them; a bad resolution is 400; an unknown id 404', async () => {
    const { conflict } = await heldSale(2000);
    const list = await two.server.json('GET', '/api/admin/conflicts?status=open', two.otherAdmin);
    expect(list.body.conflicts.some((c: { id: string }) => c.id === conflict.id)).toBe(false);
    expect(
      (await two.server.json('GET', `/api/admin/conflicts?venueId=${two.venueId}`, two.otherAdmin))
        .status,
    ).toBe(403);
    expect((await resolve(conflict.id, 'accept', two.otherAdmin)).status).toBe(403);
    expect((await resolve(conflict.id, 'maybe')).status).toBe(400);
    expect((await resolve(randomUUID(), 'accept')).status).toBe(404);
    expect((await two.server.json('GET', '/api/admin/conflicts', two.staff)).status).toBe(403);
    expect((await two.server.json('GET', '/api/admin/conflicts', null)).status).toBe(401);
  });
});
