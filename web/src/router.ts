// Hash routes (#/claims/C123): the static host serves one page, and the
// address never holds PHI (searches by member or name stay in memory).
import {useEffect, useState} from 'preact/hooks';

export interface Route { parts: string[]; query: URLSearchParams }

const parse = (): Route => {
  const [path, q = ''] = location.hash.replace(/^#\/?/, '').split('?');
  return {parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q)};
};

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => setRoute(parse());
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join('/')}`;
export const navigate = (to: string) => {
  location.hash = to;
};
