// OpenID Connect sign-in: authorization code with PKCE (RFC 7636). The ID
// token is kept in this module's memory only: never in localStorage,
// sessionStorage or a cookie, so no other script or tab can read it. A
// reload therefore signs in again, by itself: the tab remembers only that
// it was signed in (a flag, no token), and goes through the issuer, whose
// own session (its HttpOnly cookie) answers with a code at once and
// brings the provider back to the same screen. Only the one-time PKCE
// verifier and state live in sessionStorage, between the redirect out and
// the redirect back; they are removed on return.
import type {Config} from './config';

export interface Session {
  token: string;
  tin: string;
  subject: string;
  expiresAt: number; // ms since the epoch
}

let session: Session | null = null;
const PENDING = 'portal.signin';
/** Set while this tab is signed in: a reload signs in again by itself. Never a token. */
const SIGNED_IN = 'portal.signed-in';

export const currentSession = () => (session && session.expiresAt > Date.now() ? session : null);
export const endSession = () => {
  session = null;
};

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n: number) => b64url(crypto.getRandomValues(new Uint8Array(n)));

const redirectUri = () => `${location.origin}/`;

/** A new PKCE verifier and state, and the issuer's authorization URL for them. */
async function authorization(cfg: Config): Promise<{verifier: string; state: string; url: string}> {
  const verifier = random(32);
  const state = random(16);
  const challenge = b64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: cfg.clientId,
    redirect_uri: redirectUri(),
    scope: cfg.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return {verifier, state, url: `${cfg.authorizationEndpoint}?${q}`};
}

export async function signIn(cfg: Config): Promise<void> {
  const {verifier, state, url} = await authorization(cfg);
  // The hash is the screen to come back to; it never holds PHI.
  sessionStorage.setItem(PENDING, JSON.stringify({verifier, state, back: location.hash}));
  location.assign(url);
}

/** Completes a sign-in if this page load is the issuer's redirect back. */
export async function completeSignIn(cfg: Config): Promise<string | null> {
  const q = new URLSearchParams(location.search);
  const code = q.get('code');
  const error = q.get('error');
  if (!code && !error) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as {verifier: string; state: string; back: string} | null;
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', `/${pending?.back ?? ''}`); // the code leaves the address bar and history
  if (error) throw new Error('Sign-in was cancelled or refused. Sign in again.');
  if (!pending || q.get('state') !== pending.state) throw new Error('That sign-in link was not this browser’s. Sign in again.');
  await exchange(cfg, code!, pending.verifier);
  sessionStorage.setItem(SIGNED_IN, '1');
  return pending.back;
}

/**
 * Signs in again, through the issuer, if this tab was signed in before a
 * reload; true if it went. The flag is taken first, so that a sign-in that
 * fails comes back to the Sign in page, not round again.
 */
export async function resumeSession(cfg: Config): Promise<boolean> {
  if (currentSession() || !sessionStorage.getItem(SIGNED_IN)) return false;
  sessionStorage.removeItem(SIGNED_IN);
  await signIn(cfg);
  return true;
}

/** The token endpoint's half of the flow: the code and the verifier for an ID token. */
async function exchange(cfg: Config, code: string, verifier: string): Promise<void> {
  const r = await fetch(cfg.tokenEndpoint, {
    method: 'POST',
    headers: {'Content-Type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: cfg.clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: verifier,
    }),
  });
  if (!r.ok) throw new Error('Sign-in could not be completed. Sign in again.');
  const body = (await r.json()) as {id_token: string; expires_in?: number};
  const claims = JSON.parse(atob(body.id_token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  session = {
    token: body.id_token,
    tin: String(claims['custom:tin'] ?? ''),
    subject: String(claims.sub ?? ''),
    expiresAt: Number(claims.exp ?? 0) * 1000,
  };
}

/** The channel a sign-in window hands its code back on (same origin only). */
export const POPUP = 'portal-signin';
const REAUTH = 'portal.reauth';

/**
 * Signs in again in a small window, so that the page, and everything typed
 * on it, stays as it is. The window's redirect back hands its code to this
 * page on a BroadcastChannel (see popupReturn); the verifier never leaves
 * this page's memory. A channel, not window.opener or window.name: an
 * issuer's page may sever the opener, and browsers clear a window's name on
 * a cross-site navigation. Resolves false if the window could not open or
 * was closed without signing in.
 */
export async function reauthenticate(cfg: Config): Promise<boolean> {
  const {verifier, state, url} = await authorization(cfg);
  sessionStorage.setItem(REAUTH, state); // copied into the window it opens
  const channel = new BroadcastChannel(POPUP);
  const popup = window.open(url, POPUP, 'popup,width=520,height=700');
  sessionStorage.removeItem(REAUTH);
  if (!popup) {
    channel.close();
    return false;
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean) => {
      if (settled) return;
      settled = true;
      channel.close();
      clearInterval(closed);
      resolve(ok);
    };
    channel.onmessage = async (e: MessageEvent) => {
      const back = new URLSearchParams(String(e.data));
      if (back.get('state') !== state) return; // another window's
      if (!back.get('code')) return done(false);
      try {
        await exchange(cfg, back.get('code')!, verifier);
        done(true);
      } catch {
        done(false);
      }
    };
    // Closed without a code: give a message in flight a moment.
    const closed = setInterval(() => popup.closed && setTimeout(() => done(!!currentSession()), 1000), 500);
  });
}

/**
 * In the sign-in window, back from the issuer: hands the code to the page
 * that opened it and closes. True if this page load was that window's.
 */
export function popupReturn(): boolean {
  const q = new URLSearchParams(location.search);
  const state = q.get('state');
  if (!state || state !== sessionStorage.getItem(REAUTH)) return false;
  sessionStorage.removeItem(REAUTH);
  const channel = new BroadcastChannel(POPUP);
  channel.postMessage(location.search);
  history.replaceState(null, '', '/');
  // Closed a moment later: a window closed at once may take the message with it.
  setTimeout(() => {
    channel.close();
    window.close();
  }, 300);
  return true;
}

export function signOut(cfg: Config): void {
  session = null;
  sessionStorage.removeItem(SIGNED_IN);
  const q = new URLSearchParams({client_id: cfg.clientId, logout_uri: redirectUri()});
  location.assign(`${cfg.logoutEndpoint}?${q}`);
}
