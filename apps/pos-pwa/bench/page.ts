/**
 * Code the till benchmark runs inside the till's page (through
 * `page.evaluate`). Each export is self-contained: Playwright sends its
 * source text, so nothing here may use the module's scope.
 */

/** One thing staff do at the till: a sale on the Sell tab or a top-up on the Top up tab. */
export type Step =
  | {
      kind: 'sale';
      category: string;
      item: string;
      qty: number;
      tender: 'nc' | 'cash' | 'card';
      tag: string | null;
    }
  | { kind: 'topup'; tag: string; amountNc: number };

export interface StepResult {
  ok: boolean;
  text: string;
  /** pay click → the "Paid" feedback (shown only after the op's transaction committed). */
  clickToStoredMs: number;
  /** The app's own `niteos:charge` User Timing measure (lock, decide, sign, store, commit). */
  chargeMs: number | null;
  /** pay click → the next animation frame after the feedback (staff see it). */
  clickToFrameMs: number | null;
}

/**
 * Drives the till's own UI code: clicks items and the pay (or top-up)
 * button programmatically, one op at a time, and times each in the page.
 * Stops at the first op that does not complete, or when `budgetMs` runs out.
 */
export async function runSteps(args: {
  steps: Step[];
  budgetMs: number;
  frame: boolean;
  /** Idle time before each step (untimed): staff pace, and the app's after-work settles. */
  gapMs: number;
}): Promise<{ results: StepResult[]; elapsedMs: number; stopped: string | null }> {
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  async function find<T extends Element>(selector: string, timeoutMs = 5000): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const el = document.querySelector<T>(selector);
      if (el) return el;
      if (performance.now() > deadline) throw new Error(`not in the page: ${selector}`);
      await sleep(5);
    }
  }
  function setInput(input: HTMLInputElement, value: string) {
    if (input.value === value) return;
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }
  const started = performance.now();
  const results: StepResult[] = [];
  let stopped: string | null = null;
  let category: string | null = null;
  for (const step of args.steps) {
    if (performance.now() - started > args.budgetMs) {
      stopped = 'budget';
      break;
    }
    if (args.gapMs > 0) await sleep(args.gapMs);
    const screen = step.kind === 'sale' ? 'sell' : 'topup';
    if (!document.querySelector(`[data-testid="${screen}"]`)) {
      (await find<HTMLButtonElement>(`[data-testid="tab-${screen}"]`)).click();
      category = null;
    }
    let button: HTMLButtonElement;
    if (step.kind === 'sale') {
      if (category !== step.category) {
        await find('[data-testid="item"]'); // the catalog arrives through a live query
        const tabs = document.querySelectorAll<HTMLButtonElement>('.catalog .tabs button');
        const tab = [...tabs].find((b) => b.textContent === step.category);
        if (!tab) throw new Error(`no category ${step.category}`);
        tab.click();
        category = step.category;
      }
      const item = await find<HTMLButtonElement>(`[data-item="${step.item}"]`);
      for (let i = 0; i < step.qty; i++) item.click();
      setInput(await find<HTMLInputElement>('[data-testid="guest-tag"]'), step.tag ?? '');
      button = await find<HTMLButtonElement>(`[data-testid="pay-${step.tender}"]`);
    } else {
      setInput(await find<HTMLInputElement>('[data-testid="guest-tag"]'), step.tag);
      setInput(await find<HTMLInputElement>('[data-testid="amount"]'), String(step.amountNc / 100));
      button = await find<HTMLButtonElement>('[data-testid="topup-cash"]');
    }
    const feedback = await find<HTMLElement>(`[data-testid="${screen}"] [data-testid="feedback"]`);
    const before = Number(feedback.dataset.n);
    let observer: MutationObserver | undefined;
    const shown = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), 10_000);
      observer = new MutationObserver(() => {
        if (Number(feedback.dataset.n) > before) {
          clearTimeout(timer);
          resolve(performance.now());
        }
      });
      observer.observe(feedback, { attributes: true, attributeFilter: ['data-n'] });
    });
    // A pointerdown keeps the till's idle sign-out from firing during long runs.
    window.dispatchEvent(new Event('pointerdown'));
    performance.clearMeasures('niteos:charge');
    const t0 = performance.now();
    button.click();
    const t1 = await shown;
    observer?.disconnect();
    if (t1 === null) {
      stopped = `no feedback within 10 s (button ${button.disabled ? 'disabled' : 'enabled'})`;
      break;
    }
    const text = feedback.textContent ?? '';
    const measures = performance.getEntriesByName('niteos:charge', 'measure');
    const chargeMs = measures.length > 0 ? (measures[measures.length - 1]?.duration ?? null) : null;
    let clickToFrameMs: number | null = null;
    if (args.frame) {
      const t2 = await new Promise<number>((r) =>
        requestAnimationFrame(() => r(performance.now())),
      );
      clickToFrameMs = t2 - t0;
    }
    const ok = step.kind === 'sale' ? text.startsWith('Paid') : text.startsWith('Topped up');
    results.push({ ok, text, clickToStoredMs: t1 - t0, chargeMs, clickToFrameMs });
    if (!ok) {
      stopped = `refused: ${text}`;
      break;
    }
  }
  performance.clearMeasures('niteos:charge');
  return { results, elapsedMs: performance.now() - started, stopped };
}

/** What the cold-start probe saw, in ms since navigation start (performance.timeOrigin). */
export interface ColdStartMarks {
  pin: number | null;
  staffButtons: number | null;
  frameAfter: number | null;
}

/**
 * Init script for a cold-start page: watches the DOM from the first byte
 * and notes when the PIN screen appears, when its staff buttons (what staff
 * press first) are there, and the first animation frame after that.
 */
export function coldStartProbe() {
  const marks: ColdStartMarks = { pin: null, staffButtons: null, frameAfter: null };
  (window as unknown as { __coldStart: ColdStartMarks }).__coldStart = marks;
  const check = () => {
    if (marks.pin === null && document.querySelector('[data-testid="pin"]'))
      marks.pin = performance.now();
    if (marks.staffButtons === null && document.querySelector('[data-testid="pin-staff"]')) {
      marks.staffButtons = performance.now();
      requestAnimationFrame(() => {
        marks.frameAfter = performance.now();
      });
      observer.disconnect();
    }
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true });
}

/** Navigation facts of the page: was it served by the service worker, and when. */
export function navigationFacts() {
  const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
  const marks = (window as unknown as { __coldStart: ColdStartMarks }).__coldStart;
  return {
    marks,
    controlled: navigator.serviceWorker.controller !== null,
    workerStart: nav.workerStart,
    responseEnd: nav.responseEnd,
    domContentLoaded: nav.domContentLoadedEventEnd,
    online: navigator.onLine,
  };
}

export interface DrainProbe {
  onlineAt: number | null;
  zeroAt: number | null;
  counts: [number, number][];
  longTasks: { start: number; duration: number }[];
  /** Event Timing entries (≥ 16 ms) of trusted input. */
  events: { name: string; start: number; inputDelay: number; duration: number }[];
  /** Trusted clicks: handler start and next frame, relative to the input's timestamp. */
  clicks: { at: number; delay: number; toFrame: number }[];
}

/** Watches the queue counter, long tasks and trusted clicks; set up just before going online. */
export function installDrainProbe() {
  const probe: DrainProbe = {
    onlineAt: null,
    zeroAt: null,
    counts: [],
    longTasks: [],
    events: [],
    clicks: [],
  };
  const w = window as unknown as { __drain: DrainProbe; __drainStop: () => void };
  w.__drain = probe;
  const longTasks = new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      probe.longTasks.push({ start: e.startTime, duration: e.duration });
  });
  longTasks.observe({ type: 'longtask' });
  const events = new PerformanceObserver((list) => {
    for (const e of list.getEntries() as PerformanceEventTiming[]) {
      probe.events.push({
        name: e.name,
        start: e.startTime,
        inputDelay: e.processingStart - e.startTime,
        duration: e.duration,
      });
    }
  });
  events.observe({ type: 'event', durationThreshold: 16 } as PerformanceObserverInit);
  const onClick = (e: MouseEvent) => {
    if (!e.isTrusted) return;
    const delay = performance.now() - e.timeStamp;
    requestAnimationFrame(() => {
      probe.clicks.push({ at: e.timeStamp, delay, toFrame: performance.now() - e.timeStamp });
    });
  };
  document.addEventListener('click', onClick, true);
  const onOnline = () => {
    probe.onlineAt = performance.now();
  };
  window.addEventListener('online', onOnline, { once: true });
  const status = document.querySelector('[data-testid="status-queue"]');
  if (!status) throw new Error('no status-queue in the page');
  const read = () => {
    const n = Number(/^(\d+) waiting/.exec(status.textContent ?? '')?.[1] ?? Number.NaN);
    const t = performance.now();
    probe.counts.push([t, n]);
    if (n === 0 && probe.onlineAt !== null && probe.zeroAt === null) probe.zeroAt = t;
  };
  const queueObserver = new MutationObserver(read);
  queueObserver.observe(status, { childList: true, characterData: true, subtree: true });
  read();
  w.__drainStop = () => {
    longTasks.disconnect();
    events.disconnect();
    queueObserver.disconnect();
    document.removeEventListener('click', onClick, true);
  };
}

export function readDrainProbe(stop: boolean): DrainProbe {
  const w = window as unknown as { __drain: DrainProbe; __drainStop: () => void };
  if (stop) w.__drainStop();
  return w.__drain;
}

/** The till's IndexedDB as it is now (raw API: the app's Dexie instance is not exposed). */
export async function readTillDb(): Promise<{
  tillId: string | null;
  deviceSeq: number | null;
  queue: number;
  attention: string[];
  history: { id: string; seq: number; status: string }[];
}> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('niteos-till');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const all = <T>(store: string) =>
    new Promise<T[]>((resolve, reject) => {
      const req = db.transaction(store, 'readonly').objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result as T[]);
      req.onerror = () => reject(req.error);
    });
  try {
    const device = (await all<{ tillId: string; seq: number }>('device'))[0];
    const queue = await all<unknown>('queue');
    const attention = await all<{ id: string; reason: string }>('attention');
    const history = await all<{ id: string; seq: number; status: string }>('history');
    return {
      tillId: device?.tillId ?? null,
      deviceSeq: device?.seq ?? null,
      queue: queue.length,
      attention: attention.map((a) => `${a.id}: ${a.reason}`),
      history: history.map((h) => ({ id: h.id, seq: h.seq, status: h.status })),
    };
  } finally {
    db.close();
  }
}

/** The catalog the till holds (name → prices), to know what each sale moves. */
export async function readCatalog(): Promise<
  { name: string; priceNc: number; priceChf: number }[]
> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('niteos-till');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    return await new Promise((resolve, reject) => {
      const req = db.transaction('catalog', 'readonly').objectStore('catalog').getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

/**
 * Floors measured in the same page and profile: a bare IndexedDB readwrite
 * transaction shaped like a charge (read the device row, add a queue row,
 * update the device row, put a history row) in its own database. `batched`
 * issues the three writes together after the read; `sequential` awaits each
 * request as charge.ts does through Dexie (where `update` is a read and a
 * write); `sequentialLocked` adds the Web Locks request the till takes.
 */
export async function idbFloor(args: { n: number; gapMs: number }) {
  const name = 'niteos-bench-floor';
  await new Promise<void>((resolve) => {
    const del = indexedDB.deleteDatabase(name);
    del.onsuccess = del.onerror = del.onblocked = () => resolve();
  });
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('device');
      req.result.createObjectStore('queue');
      req.result.createObjectStore('history');
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const payload = { envelope: 'x'.repeat(700), sig: 'y'.repeat(86) };
  const request = <T>(r: IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
  const done = (tx: IDBTransaction) =>
    new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  const stores = ['device', 'queue', 'history'];
  {
    const tx = db.transaction('device', 'readwrite');
    tx.objectStore('device').put({ seq: 0, secretKey: new Uint8Array(32) }, 'device');
    await done(tx);
  }
  async function batched(seq: number) {
    const tx = db.transaction(stores, 'readwrite');
    const device = await request(tx.objectStore('device').get('device'));
    tx.objectStore('queue').add({ seq, ...payload }, seq);
    tx.objectStore('device').put({ ...device, seq }, 'device');
    tx.objectStore('history').put({ seq, ...payload }, `id-${seq}`);
    await done(tx);
  }
  async function sequential(seq: number) {
    const tx = db.transaction(stores, 'readwrite');
    const finished = done(tx);
    const device = await request(tx.objectStore('device').get('device'));
    await request(tx.objectStore('queue').add({ seq, ...payload }, seq));
    await request(tx.objectStore('device').get('device'));
    await request(tx.objectStore('device').put({ ...device, seq }, 'device'));
    await request(tx.objectStore('history').put({ seq, ...payload }, `id-${seq}`));
    await finished;
  }
  const out = {
    batched: [] as number[],
    sequential: [] as number[],
    sequentialLocked: [] as number[],
  };
  let seq = 0;
  for (let i = 0; i < args.n; i++) {
    for (const kind of ['batched', 'sequential', 'sequentialLocked'] as const) {
      await new Promise((r) => setTimeout(r, args.gapMs));
      seq++;
      const t = performance.now();
      if (kind === 'batched') await batched(seq);
      else if (kind === 'sequential') await sequential(seq);
      else
        await navigator.locks.request('niteos-bench-floor', { mode: 'exclusive' }, () =>
          sequential(seq),
        );
      out[kind].push(performance.now() - t);
    }
  }
  db.close();
  indexedDB.deleteDatabase(name);
  return out;
}

/**
 * What the status bar's live query costs with the queue as it is: it runs
 * `queue.count()` and the oldest row after every op and every drained
 * batch (src/state/till-store.tsx). Raw IndexedDB, median of `n`.
 */
export async function queueQueryCost(
  n: number,
): Promise<{ rows: number; countMs: number; oldestMs: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open('niteos-till');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const time = async (f: (store: IDBObjectStore) => IDBRequest) => {
    const t = performance.now();
    await new Promise((resolve, reject) => {
      const req = f(db.transaction('queue', 'readonly').objectStore('queue'));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return performance.now() - t;
  };
  const med = (xs: number[]) =>
    [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
  const counts: number[] = [];
  const oldest: number[] = [];
  let rows = 0;
  try {
    for (let i = 0; i < n; i++) {
      counts.push(await time((s) => s.count()));
      oldest.push(await time((s) => s.openCursor()));
    }
    rows = await new Promise<number>((resolve) => {
      const req = db.transaction('queue', 'readonly').objectStore('queue').count();
      req.onsuccess = () => resolve(req.result);
    });
  } finally {
    db.close();
  }
  return { rows, countMs: med(counts), oldestMs: med(oldest) };
}
