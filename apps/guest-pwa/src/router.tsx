import { createSignal, type JSX } from 'solid-js';

const [path, setPath] = createSignal(location.pathname);
window.addEventListener('popstate', () => setPath(location.pathname));

/** The current path; screens are chosen from it. */
export const currentPath = path;

export function navigate(to: string, replace = false) {
  if (to === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  setPath(location.pathname);
  window.scrollTo(0, 0);
}

/** An in-app link: a real `<a href>` (works without JS, opens in a new tab) routed without a reload. */
export function Link(props: {
  href: string;
  class?: string;
  children: JSX.Element;
  'aria-current'?: 'page' | undefined;
}) {
  return (
    <a
      href={props.href}
      class={props.class}
      aria-current={props['aria-current']}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
