import type { LiveCounters } from '@niteos/schema/wire';
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { AppDeps, AppEnv } from '../context.ts';
import { readLiveCounters } from '../counters/live-counters.ts';
import { boundedRead } from '../db/bounded-read.ts';
import { rootMessage } from '../db/pg-error.ts';
import type { Drain } from '../lifecycle/drain.ts';
import { withTimeout } from '../with-timeout.ts';
import { type Check, runChecks } from './checks.ts';
import { DEFAULT_SILENT_TILL_SECONDS, fleetHealth } from './fleet.ts';

const REFRESH_SECONDS = 10;

type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const ago = (at: Date | null, now: Date) => {
  if (!at) return 'never';
  const s = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  return s < 120
    ? `${s} s ago`
    : s < 7200
      ? `${Math.round(s / 60)} min ago`
      : `${Math.round(s / 3600)} h ago`;
};
const money = (minor: number) => (minor / 100).toFixed(2);
const duration = (seconds: number) =>
  `${Math.floor(seconds / 86400)}d ${Math.floor((seconds % 86400) / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;

const checkDetail = (check: Check) =>
  check.status === 'up'
    ? `${check.latencyMs} ms`
    : check.status === 'degraded'
      ? `${check.latencyMs} ms; ${check.reason}`
      : check.error;

type AnalyticsReport = Awaited<ReturnType<typeof runChecks>>['checks']['analytics'];

function outboxText(a: AnalyticsReport): string {
  if (a.kind === 'postgres') return 'events kept in PostgreSQL';
  if (a.outboxPending === null) return '';
  const parked = a.outboxParked ? `, ${a.outboxParked} parked` : '';
  return `${a.outboxPending} events queued in the outbox${parked}`;
}

function checkRow(name: string, check: Check, extra = ''): Html {
  return html`<tr class="${check.status}">
    <th>${name}</th><td>${check.kind}</td>
    <td><strong>${check.status.toUpperCase()}</strong></td>
    <td>${checkDetail(check)}</td><td>${extra}</td>
  </tr>`;
}

function countersRows(venues: { name: string; counters: LiveCounters | null }[]): Html {
  return html`${venues.map(({ name, counters: c }) =>
    c
      ? html`<tr><th>${name}</th><td>${c.day}</td><td>${c.guests}</td>
          <td>${c.sales.nc.count} · ${money(c.sales.nc.amountNc)} NC</td>
          <td>${c.sales.cash.count} · CHF ${money(c.sales.cash.amountChf)}</td>
          <td>${c.sales.card.count} · CHF ${money(c.sales.card.amountChf)}</td></tr>`
      : html`<tr><th>${name}</th><td colspan="5">counters unavailable (Redis down?)</td></tr>`,
  )}`;
}

/**
 * `/health`: the ops page, rendered on the server as plain HTML (no
 * script), so it works when both front ends are broken; it reloads itself
 * every few seconds. Every value is escaped by `html`.
 */
/** The page draws without the fleet tables rather than hang on a slow database. */
const FLEET_TIMEOUT_MS = 3000;

export function healthPageRoute(deps: AppDeps, drain: Drain) {
  const silentAfter = deps.silentTillSeconds ?? DEFAULT_SILENT_TILL_SECONDS;
  return new Hono<AppEnv>().get('/', async (c) => {
    const now = new Date();
    const report = await runChecks(deps, drain.draining);
    let fleetError = 'the database is down';
    const fleet =
      report.checks.database.status === 'up'
        ? await boundedRead(deps.database.db, FLEET_TIMEOUT_MS, 'fleet query', (tx) =>
            fleetHealth(tx, silentAfter),
          ).catch((err: unknown) => {
            fleetError = rootMessage(err);
            deps.log({ level: 'error', msg: 'health page: fleet query failed', error: fleetError });
            return null;
          })
        : null;
    const counters = await Promise.all(
      (fleet?.venues ?? []).map(async (v) => ({
        name: v.name,
        counters: await withTimeout(readLiveCounters(deps.kv, v.id, now), 2000, 'counters').catch(
          () => null,
        ),
      })),
    );
    const pushes = deps.metrics?.recentPushes(now.getTime());
    const { checks } = report;
    const uptime = Math.round((now.getTime() - deps.startedAt.getTime()) / 1000);
    c.header('cache-control', 'no-store');
    return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>NiteOS health: ${report.status}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1rem 2rem;background:#111;color:#eee}
table{border-collapse:collapse;margin:.5rem 0 1.5rem}th,td{padding:.25rem .75rem;text-align:left;border-bottom:1px solid #333}
.up,.ok,.current{color:#6d6}.down,.silent{color:#f66}.degraded,.pending,.draining,.unknown{color:#fc4}.muted{color:#999}h1 span{font-size:1rem}
</style></head>
<body>
<h1>NiteOS health <span id="status" class="${report.status}">${report.status.toUpperCase()}</span></h1>
<p>Version ${deps.version} · process ${process.pid}, up ${duration(uptime)} · ${now.toISOString()} · refreshes every ${REFRESH_SECONDS} s</p>
<p class="muted">Push rate, latency, uptime and draining are this process's own: behind nginx each refresh may come from another.</p>
<h2>Dependencies</h2>
<table id="checks"><tr><th></th><th>kind</th><th>status</th><th>latency / error</th><th></th></tr>
${checkRow('Database', checks.database)}
<tr class="${checks.migrations.status}"><th>Migrations</th><td></td><td><strong>${checks.migrations.status.toUpperCase()}</strong></td>
<td>${'error' in checks.migrations ? checks.migrations.error : `${checks.migrations.applied} of ${checks.migrations.expected} applied`}</td><td></td></tr>
${checkRow('Redis', checks.redis)}
${checkRow('Analytics store', checks.analytics, outboxText(checks.analytics))}
<tr class="${checks.pushes.status === 'draining' ? 'draining' : pushes?.failed ? 'degraded' : 'ok'}"><th>Pushes</th><td></td><td><strong>${checks.pushes.status.toUpperCase()}</strong></td>
<td>${pushes ? `${pushes.perMinute.toFixed(1)} / min over the last 5 min${pushes.failed > 0 ? `, ${pushes.failed} failed` : ''}` : ''}</td>
<td>${pushes?.p50Ms != null ? `latency p50 ${Math.round(pushes.p50Ms)} ms, p95 ${Math.round(pushes.p95Ms ?? 0)} ms` : 'no pushes lately'}</td></tr>
</table>
${
  fleet
    ? html`<h2>Tonight</h2>
<table id="counters"><tr><th>venue</th><th>business day</th><th>guests</th><th>NC sales</th><th>cash sales</th><th>card sales</th></tr>
${countersRows(counters)}</table>
${fleetTables(fleet, now, silentAfter)}`
    : html`<h2>Tonight, tills, seq gaps and conflicts</h2>
<p id="fleet-unavailable" class="down"><strong>Unavailable</strong>: ${fleetError}. Nothing below this line is known; this page tries again at its next refresh.</p>`
}
</body></html>`);
  });
}

/** Tills, seq gaps and open conflicts, as the fleet query read them. */
function fleetTables(
  fleet: Awaited<ReturnType<typeof fleetHealth>>,
  now: Date,
  silentAfter: number,
) {
  const silent = fleet.tills.filter((t) => t.silent);
  const { totals } = fleet;
  // Silent tills come first: a cut list holds them all unless every row shown is one.
  const cut = (shown: number, total: number, which: string) =>
    shown < total ? html`<p class="muted cut">${which}: ${shown} of ${total} shown.</p>` : '';
  return html`<h2>Tills</h2>
<p>${silent.length < fleet.tills.length || totals.tills === fleet.tills.length ? silent.length : `At least ${silent.length}`} of ${totals.tills} active tills silent for more than ${Math.round(silentAfter / 60)} min.</p>
${cut(fleet.tills.length, totals.tills, 'Silent tills first')}
<table id="tills"><tr><th>venue</th><th>till</th><th>last contact</th><th>last seq</th><th>sync lag of newest op</th></tr>
${fleet.tills.map(
  (t) => html`<tr class="${t.silent ? 'silent' : 'ok'}"><td>${t.venueName}</td><td>${t.name}</td>
  <td>${ago(t.lastSeenAt, now)}${t.silent ? ' (silent)' : ''}</td><td>${t.lastSeq}</td>
  <td>${t.syncLagSeconds === null ? '' : `${Math.round(t.syncLagSeconds)} s`}</td></tr>`,
)}</table>
<h2>Seq-gap alerts</h2>
${cut(fleet.seqGaps.length, totals.seqGaps, 'Oldest first')}
${
  fleet.seqGaps.length > 0
    ? html`<table id="gaps"><tr><th>venue</th><th>till</th><th>missing before seq</th><th>since</th></tr>
${fleet.seqGaps.map((g) => html`<tr class="degraded"><td>${g.venueName}</td><td>${g.tillName}</td><td>${g.seq}</td><td>${ago(g.since, now)}</td></tr>`)}</table>`
    : html`<p>None open.</p>`
}
<h2>Open conflicts</h2>
${cut(fleet.venues.length, totals.venues, 'Venues with open conflicts first')}
<table id="conflicts"><tr><th>venue</th><th>open</th></tr>
${fleet.venues.map((v) => html`<tr class="${v.openConflicts > 0 ? 'degraded' : 'ok'}"><td>${v.name}</td><td>${v.openConflicts}</td></tr>`)}</table>`;
}
