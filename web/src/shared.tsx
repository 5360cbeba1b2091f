// Pieces every screen uses: loading what a screen shows, "not found".
import {useEffect, useState} from 'preact/hooks';
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
