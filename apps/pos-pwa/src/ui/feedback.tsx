import { createSignal } from 'solid-js';

/**
 * The last outcome of a charge, shown big enough to read across a loud bar.
 * The element stays in the page (empty when idle) and counts its messages
 * in `data-n`, so a test can tell a new "Paid 7.00 NC" from the last one.
 */
export function createFeedback() {
  const [feedback, setFeedback] = createSignal<{ ok: boolean; text: string } | null>(null);
  const [count, setCount] = createSignal(0);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (ok: boolean, text: string) => {
    clearTimeout(timer);
    setFeedback({ ok, text });
    setCount((n) => n + 1);
    timer = setTimeout(() => setFeedback(null), ok ? 2500 : 8000);
  };
  const View = () => (
    <p
      class={feedback() ? (feedback()?.ok ? 'feedback ok' : 'feedback bad') : 'feedback idle'}
      role="status"
      data-testid="feedback"
      data-n={count()}
    >
      {feedback()?.text ?? ''}
    </p>
  );
  return { show, View };
}
