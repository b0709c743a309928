import { createSignal, Show } from 'solid-js';

/** The last outcome of a charge, shown big enough to read across a loud bar. */
export function createFeedback() {
  const [feedback, setFeedback] = createSignal<{ ok: boolean; text: string } | null>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const show = (ok: boolean, text: string) => {
    clearTimeout(timer);
    setFeedback({ ok, text });
    timer = setTimeout(() => setFeedback(null), ok ? 2500 : 8000);
  };
  const View = () => (
    <Show when={feedback()}>
      {(f) => (
        <p class={f().ok ? 'feedback ok' : 'feedback bad'} role="status" data-testid="feedback">
          {f().text}
        </p>
      )}
    </Show>
  );
  return { show, View };
}
