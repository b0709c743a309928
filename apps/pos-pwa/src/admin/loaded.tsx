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
 * What an action said, in live regions a screen reader reads out: a
 * success politely, an error at once. Both regions stay in the page, empty
 * until there is something to say, since a reader announces new text in a
 * region it knows, not a region that arrives with its text.
 */
export function ActionMessage(props: {
  message: { ok: boolean; text: string } | null;
  testid?: string;
}) {
  const said = (ok: boolean) => (props.message?.ok === ok ? props.message : null);
  return (
    <div>
      <div role="status">
        <Show when={said(true)}>
          {(m) => (
            <p class="ok-text" data-testid={props.testid}>
              {m().text}
            </p>
          )}
        </Show>
      </div>
      <div role="alert">
        <Show when={said(false)}>
          {(m) => (
            <p class="error" data-testid={props.testid}>
              {m().text}
            </p>
          )}
        </Show>
      </div>
    </div>
  );
}
