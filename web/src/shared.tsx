// Pieces every screen uses: loading what a screen shows, "not found".
import type {RefObject} from 'preact';
import {useEffect, useRef, useState} from 'preact/hooks';
import {api, type ApiError} from './api';
import type {Provider} from './types';
import {href} from './router';
import {Heading} from './ui';

export function NotFound({detail}: {detail?: string}) {
  return (
    <>
      <Heading>Not found</Heading>
      <p>{detail ?? 'There is nothing at this address.'}</p>
      <p><a href={href('claims')}>Search claims</a></p>
    </>
  );
}

export const ClaimsLink = () => <p><a href={href('claims')}>Back to Claim Information and Attachments</a></p>;

/** Loads what a screen shows; a 404 (another provider's record answers one too) is the caller's "not found". */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): [T | null, ApiError | null, () => void] {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [n, setN] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (d) => { if (live) { setData(d); setError(null); } },
      (e) => { if (live) setError(e as ApiError); },
    );
    return () => { live = false; };
  }, [...deps, n]);
  return [data, error, () => setN((x) => x + 1)];
}

/**
 * A list read a page at a time: load(cursor) reads one page of filter (the
 * first without a cursor). Previous page and Next page move between pages and put
 * the focus on the list's heading (heading), so that the reader goes on
 * from there. number is the page's number; pager the two buttons.
 */
export function usePaged<T extends {nextCursor?: string}>(load: (cursor?: string) => Promise<T>, filter: unknown, label: string):
  {page: T | null; error: ApiError | null; heading: RefObject<HTMLHeadingElement | null>; number: number; pager: preact.JSX.Element} {
  // Another filter starts again from its first page.
  const key = JSON.stringify(filter);
  const [at, setAt] = useState({key, cursors: ['']});
  const cursors = at.key === key ? at.cursors : [''];
  const [page, error] = useLoad(() => load(cursors[cursors.length - 1] || undefined), [key, cursors.join(' ')]);
  const heading = useRef<HTMLHeadingElement>(null);
  const paged = useRef(false);
  useEffect(() => {
    if (page && paged.current) heading.current?.focus();
    paged.current = false;
  }, [page]);
  const turn = (next: string[]) => {
    paged.current = true;
    setAt({key, cursors: next});
  };
  const pager = (
    <nav class="pager" aria-label={`Pages of ${label}`}>
      <button type="button" class="secondary" disabled={cursors.length < 2} onClick={() => turn(cursors.slice(0, -1))}>Previous page</button>
      <button type="button" class="secondary" disabled={!page?.nextCursor} onClick={() => turn([...cursors, page!.nextCursor!])}>Next page</button>
    </nav>
  );
  return {page, error, heading, number: cursors.length, pager};
}

/**
 * What a form's button does: busy while it runs, the API's problem kept to
 * show next to the fields, nothing else touched on failure (what was typed
 * stays). Returns [busy, error, setError, act].
 */
export function useAction(): [boolean, ApiError | null, (e: ApiError | null) => void, (fn: () => Promise<unknown>) => Promise<void>] {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e as ApiError);
    } finally {
      setBusy(false);
    }
  };
  return [busy, error, setError, act];
}

let providerOnce: Promise<Provider> | null = null;

/** The signed-in provider (practice name, NPIs), read once per session; null until known or if it cannot be read. */
export function useProvider(): Provider | null {
  const [p, setP] = useState<Provider | null>(null);
  useEffect(() => {
    providerOnce ??= api<Provider>('GET', '/provider');
    let live = true;
    providerOnce.then((v) => { if (live) setP(v); }, () => { providerOnce = null; });
    return () => { live = false; };
  }, []);
  return p;
}

/** Forgets the provider at sign-out. */
export function forgetProvider() {
  providerOnce = null;
}
