import type { JSX } from 'solid-js';

/**
 * Asks before the till does something that costs a guest or the venue money
 * if it was a slip. It covers the screen, so the second tap of a double tap
 * lands on it, not on another control; and "keep" comes first and takes the
 * focus, so that tap (or Enter) changes nothing. Test ids are `<name>-confirm`,
 * `<name>-keep` and `<name>-yes`.
 */
export function ConfirmDialog(props: {
  name: string;
  title: string;
  children: JSX.Element;
  keep: string;
  yes: string;
  onKeep: () => void;
  onYes: () => void;
}) {
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby={`${props.name}-title`}>
      <div class="panel" data-testid={`${props.name}-confirm`}>
        <h2 id={`${props.name}-title`}>{props.title}</h2>
        <p>{props.children}</p>
        <div class="row">
          <button
            type="button"
            class="secondary"
            ref={(el) => queueMicrotask(() => el.focus())}
            onClick={() => props.onKeep()}
            data-testid={`${props.name}-keep`}
          >
            {props.keep}
          </button>
          <button
            type="button"
            class="primary"
            onClick={() => props.onYes()}
            data-testid={`${props.name}-yes`}
          >
            {props.yes}
          </button>
        </div>
      </div>
    </div>
  );
}
