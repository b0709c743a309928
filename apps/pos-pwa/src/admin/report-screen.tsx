import { createResource, createSignal, For, Show } from 'solid-js';
import { chf, dateTime, nc } from '../format.ts';
import type { AdminApi, AuditEntry, Figures } from './admin-api.ts';
import { auditChanges } from './audit-changes.ts';
import { defaultNight } from './default-night.ts';
import { ActionMessage, Loaded } from './loaded.tsx';
import { createAction } from './use-action.ts';

const local = (d: Date) =>
  new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function FiguresTable(props: { title: string; f: Figures }) {
  return (
    <table class="table report">
      <caption>{props.title}</caption>
      <tbody>
        <tr>
          <td>NC sales</td>
          <td>{props.f.salesNc.count}</td>
          <td>{nc(props.f.salesNc.nc)}</td>
        </tr>
        <tr>
          <td>Cash sales</td>
          <td>{props.f.salesCash.count}</td>
          <td>{chf(props.f.salesCash.chf)}</td>
        </tr>
        <tr>
          <td>Card sales</td>
          <td>{props.f.salesCard.count}</td>
          <td>{chf(props.f.salesCard.chf)}</td>
        </tr>
        <tr>
          <td>Top-ups cash</td>
          <td>{props.f.topupsCash.count}</td>
          <td>{chf(props.f.topupsCash.chf)}</td>
        </tr>
        <tr>
          <td>Top-ups card</td>
          <td>{props.f.topupsCard.count}</td>
          <td>{chf(props.f.topupsCard.chf)}</td>
        </tr>
        <tr>
          <td>Cash-outs</td>
          <td>{props.f.cashouts.count}</td>
          <td>{chf(props.f.cashouts.chf)}</td>
        </tr>
        <tr>
          <td>Voids</td>
          <td>{props.f.voids.count}</td>
          <td data-testid="voids">
            {nc(props.f.voids.nc)} · cash {chf(props.f.voids.cashChf)} · card{' '}
            {chf(props.f.voids.cardChf)}
          </td>
        </tr>
        <Show when={props.f.writtenOff.count > 0}>
          <tr>
            <td>Written off (in the lines above; no wallet paid)</td>
            <td>{props.f.writtenOff.count}</td>
            <td data-testid="written-off">{nc(props.f.writtenOff.nc)}</td>
          </tr>
        </Show>
        <tr>
          <td>Held (not counted above)</td>
          <td>{props.f.held.count}</td>
          <td data-testid="held">
            {nc(props.f.held.debitNc)} to take · {nc(props.f.held.creditNc)} to credit · cash{' '}
            {chf(props.f.held.cashChf)} · card {chf(props.f.held.cardChf)}
          </td>
        </tr>
        <tr class="strong">
          <td>Expected cash in drawer</td>
          <td />
          <td data-testid="expected-cash">{chf(props.f.expectedCashChf)}</td>
        </tr>
        <tr class="strong">
          <td>Expected on the card terminal</td>
          <td />
          <td data-testid="expected-card">{chf(props.f.expectedCardChf)}</td>
        </tr>
      </tbody>
    </table>
  );
}

/**
 * End-of-night report per till and staff member; prints cleanly, with the
 * venue and the period on the paper.
 */
export function ReportScreen(props: { api: AdminApi; venueId: string; venueName: string }) {
  const opening = defaultNight(new Date());
  const [from, setFrom] = createSignal(local(opening.start));
  /**
   * What the admin typed in "to"; until then the report runs to the moment
   * it loads, and Print loads it again: opened at 01:30 and printed at
   * close, it must not stop at 01:30.
   */
  const [to, setTo] = createSignal<string | null>(null);
  // Tills and staff come along so each table is titled with a name, not an id.
  const [report, { refetch }] = createResource(
    () => [props.venueId, from(), to()] as const,
    async ([venueId, f, t]) => {
      const [start, end] = [new Date(f), t === null ? new Date() : new Date(t)];
      // A cleared field is '' and an Invalid Date, whose toISOString throws "Invalid time value".
      if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()))
        throw new Error('Choose a date and time for both "from" and "to".');
      const [night, { tills }, { staff }] = await Promise.all([
        props.api.report(venueId, start.toISOString(), end.toISOString()),
        props.api.tills(venueId),
        props.api.staff(venueId),
      ]);
      return {
        night,
        start,
        end,
        // Said on screen and paper while "from" is the one the screen chose.
        businessDay: f === local(opening.start) ? opening.day : null,
        tillNames: new Map(tills.map((till) => [till.tillId, till.name])),
        staffNames: new Map(staff.map((s) => [s.userId, s.displayName || s.email])),
      };
    },
  );
  /** The "to" shown: what was typed, or where the report last loaded ended. */
  const shownTo = () => {
    const typed = to();
    if (typed !== null) return typed;
    // `latest` throws once the resource failed.
    const end = report.state === 'errored' ? undefined : report.latest?.end;
    return end ? local(end) : '';
  };
  const print = async () => {
    if (to() === null) await refetch();
    window.print();
  };
  return (
    <section data-testid="admin-report">
      <h2>End of night</h2>
      <div class="row no-print">
        <label class="inline">
          from{' '}
          <input
            type="datetime-local"
            value={from()}
            onInput={(e) => setFrom(e.currentTarget.value)}
          />
        </label>
        <label class="inline">
          to{' '}
          <input
            type="datetime-local"
            value={shownTo()}
            onInput={(e) => setTo(e.currentTarget.value)}
            data-testid="report-to"
          />
        </label>
        <button type="button" class="secondary" onClick={print} data-testid="report-print">
          Print
        </button>
      </div>
      <Loaded resource={report} retry={refetch}>
        {(r) => (
          <>
            <p data-testid="report-period">
              {props.venueName}: {r().start.toLocaleString()} to {r().end.toLocaleString()}
              <Show when={r().businessDay}>
                {(day) => ` (from the start of business day ${day()}, 06:00 UTC)`}
              </Show>
            </p>
            <FiguresTable title="Whole venue" f={r().night.total} />
            <For each={r().night.tills}>
              {(t) => (
                <FiguresTable title={`Till ${r().tillNames.get(t.tillId) ?? t.tillId}`} f={t} />
              )}
            </For>
            <For each={r().night.staff}>
              {(s) => (
                <FiguresTable title={`Staff ${r().staffNames.get(s.staffId) ?? s.staffId}`} f={s} />
              )}
            </For>
          </>
        )}
      </Loaded>
    </section>
  );
}

/** The audit log of the venue, for Nitecore admins: newest first, older pages on request. */
export function AuditScreen(props: { api: AdminApi; venueId: string }) {
  const [log, { refetch, mutate }] = createResource(
    () => props.venueId,
    (id) => props.api.audit(id),
  );
  const older = createAction();
  async function loadOlder(shown: { entries: AuditEntry[] }) {
    const page = await older.run(() => props.api.audit(props.venueId, shown.entries.at(-1)?.id));
    if (page) mutate({ entries: [...shown.entries, ...page.entries], more: page.more });
  }
  return (
    <section data-testid="admin-audit">
      <h2>Audit log</h2>
      <Loaded resource={log} retry={refetch}>
        {(loaded) => (
          <>
            <table class="table">
              <thead>
                <tr>
                  <th>when</th>
                  <th>who</th>
                  <th>what</th>
                  <th>target</th>
                  <th>from</th>
                </tr>
              </thead>
              <tbody>
                <For each={loaded().entries}>
                  {(e) => (
                    <tr data-testid="audit-entry">
                      <td>{dateTime(e.createdAt)}</td>
                      <td>
                        {e.actorEmail ?? e.actorUserId ?? 'system'}{' '}
                        <span class="muted">({e.actorRole})</span>
                      </td>
                      <td>
                        {e.action}
                        <For each={auditChanges(e.before, e.after)}>
                          {(line) => <div class="muted">{line}</div>}
                        </For>
                      </td>
                      <td>{e.target}</td>
                      <td>{e.ip}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
            <Show when={loaded().more}>
              <button
                type="button"
                class="secondary"
                disabled={older.busy()}
                onClick={() => loadOlder(loaded())}
                data-testid="audit-older"
              >
                Older entries
              </button>
            </Show>
            <ActionMessage message={older.message()} />
          </>
        )}
      </Loaded>
    </section>
  );
}
