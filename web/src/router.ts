// Hash routes (#/claims/C123): the static host serves one page, and the
// address never holds PHI (searches by member or name stay in memory).
import {useEffect, useState} from 'preact/hooks';

export interface Route { parts: string[]; query: URLSearchParams }

const parse = (): Route => {
  const [path, q = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return {parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q)};
};

/** What asks before leaving a form with changes not sent or saved. */
export const leaveQuestion = 'Leave this page? What you typed on it has not been sent or saved.';
const guards = new Set<object>();
let here = location.href;

/**
 * Asks before the page is left while dirty: by the menu or another link, by
 * the browser's back button, or by a reload or closing the tab.
 */
export function useLeaveGuard(dirty: boolean) {
  useEffect(() => {
    if (!dirty) return;
    const guard = {};
    guards.add(guard);
    const before = (e: BeforeUnloadEvent) => {
      if (guards.has(guard)) e.preventDefault();
    };
    addEventListener('beforeunload', before);
    return () => {
      guards.delete(guard);
      removeEventListener('beforeunload', before);
    };
  }, [dirty]);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  const [rendered] = useState(() => location.hash);
  useEffect(() => {
    const on = () => {
      if (guards.size > 0 && !confirm(leaveQuestion)) {
        history.replaceState(history.state, '', here); // stay, without another hashchange
        return;
      }
      here = location.href;
      setRoute(parse());
    };
    addEventListener('hashchange', on);
    // The address may have changed between the first render and now (a
    // link followed while the screen was mounting, as right after sign-in):
    // that hashchange fired before anyone listened, so take it up here.
    if (location.hash !== rendered) {
      here = location.href;
      setRoute(parse());
    }
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;

/** The Worklist, filtered (no PHI: a list's name, a status, dates). */
export const worklistHref = (q: Record<string, string>) => {
  const p = new URLSearchParams(Object.entries(q).filter(([, v]) => v));
  return `${href('work')}${p.size ? `?${p}` : ''}`;
};

/** Goes to a page after the form's work is done: nothing is left to lose. */
export const navigate = (to: string) => {
  guards.clear();
  location.hash = to;
};
