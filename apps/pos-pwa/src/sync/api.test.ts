import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { ApiError, createJsonCall } from './api.ts';

// The network is scripted here: a body that trickles in, or stops, on cue,
// on fake timers so that a loaded machine cannot stretch the gaps.
const encoder = new TextEncoder();

/**
 * A 200 whose JSON body arrives in `pieces`, `gapMs` apart, and goes silent
 * after `stallAfter` pieces (if given). Aborting the call errors the body,
 * as a browser's fetch does.
 */
function trickle(pieces: string[], gapMs: number, stallAfter?: number): typeof fetch {
  return async (_url, init) => {
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        init?.signal?.addEventListener(
          'abort',
          () => controller.error(new DOMException('aborted', 'AbortError')),
          { once: true },
        );
      },
      async pull(controller) {
        if (sent === stallAfter) return new Promise<void>(() => {});
        await new Promise((resolve) => setTimeout(resolve, gapMs));
        if (init?.signal?.aborted) return;
        const piece = pieces[sent++];
        if (piece === undefined) controller.close();
        else controller.enqueue(encoder.encode(piece));
      },
    });
    return new Response(body, { status: 200 });
  };
}

const reply = JSON.stringify({ snapshots: Array.from({ length: 50 }, (_, i) => ({ i })) });
const pieces = reply.match(/.{1,40}/g) ?? [];

describe('a JSON call on slow Wi-Fi (scripted server, fake timers)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('an answer that keeps arriving is read to the end, however long it takes in all', async () => {
    const call = createJsonCall('/api', { timeoutMs: 60, fetch: trickle(pieces, 40) });
    const answer = call('GET', '/sync/pull', 'token');
    // Far longer than the timeout in all: only silence counts.
    await vi.advanceTimersByTimeAsync(40 * (pieces.length + 1));
    await expect(answer).resolves.toEqual(JSON.parse(reply));
  });

  test('an answer that stops arriving mid-way is no answer, and retryable', async () => {
    const call = createJsonCall('/api', { timeoutMs: 60, fetch: trickle(pieces, 40, 3) });
    const failure = call('GET', '/sync/pull', 'token').catch((err: unknown) => err);
    await vi.advanceTimersByTimeAsync(40 * 3 + 60);
    expect(await failure).toBeInstanceOf(ApiError);
    expect(await failure).toMatchObject({ status: 0, code: 'timeout', retryable: true });
  });
});
