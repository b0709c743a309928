import { createSignal, type JSX, Show } from 'solid-js';

/** A form action with its busy flag and the message of its last failure. */
export function useSubmit(action: (form: FormData) => Promise<void>) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  const onSubmit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action(new FormData(event.currentTarget as HTMLFormElement));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, onSubmit };
}

/** The end of a form: its last failure, if any, then the submit button (off while busy). */
export function SubmitRow(props: { submit: ReturnType<typeof useSubmit>; children: JSX.Element }) {
  return (
    <>
      <Show when={props.submit.error()}>
        <p class="error" role="alert">
          {props.submit.error()}
        </p>
      </Show>
      <button type="submit" class="primary" disabled={props.submit.busy()}>
        {props.children}
      </button>
    </>
  );
}
