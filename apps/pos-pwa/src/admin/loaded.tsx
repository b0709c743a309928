import { type Accessor, type JSX, Match, type Resource, Show, Switch } from 'solid-js';
import { errorText } from './admin-http.ts';

/**
 * A resource's value once it has one, "Loading…" before, and why it failed
 * with a retry. In Solid 1.9 reading a failed resource throws, and with no
 * error boundary that leaves the screen blank: screens read resources only
 * through this.
 */
export function Loaded<T>(props: {
  resource: Resource<T>;
  retry: () => void;
  children: (value: Accessor<NonNullable<T>>) => JSX.Element;
}) {
  const failure = () => (props.resource.state === 'errored' ? props.resource.error : undefined);
  const value = () => (props.resource.state === 'errored' ? undefined : props.resource());
  return (
    <Switch fallback={<p class="muted">Loading…</p>}>
      <Match when={failure()}>
        {(err) => (
          <div class="row" data-testid="load-error">
            <p class="error" role="alert">
              {errorText(err())}
            </p>
            <button
              type="button"
              class="secondary small"
              onClick={() => props.retry()}
              data-testid="load-retry"
            >
              Retry
            </button>
          </div>
        )}
      </Match>
      <Match when={value()}>{(v) => props.children(v)}</Match>
    </Switch>
  );
}

/**
 * What an action said, in a live region so a screen reader reads it out
 * when it appears: a success politely, an error at once.
 */
export function ActionMessage(props: {
  message: { ok: boolean; text: string } | null;
  testid?: string;
}) {
  return (
    <Show when={props.message}>
      {(m) => (
        <p
          class={m().ok ? 'ok-text' : 'error'}
          role={m().ok ? 'status' : 'alert'}
          data-testid={props.testid}
        >
          {m().text}
        </p>
      )}
    </Show>
  );
}
