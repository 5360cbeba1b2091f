// The portal's shell: sign-in, navigation and the screens.
import {render} from 'preact';
import {useEffect, useState} from 'preact/hooks';
import {configureApi} from './api';
import {completeSignIn, currentSession, endSession, popupReturn, reauthenticate, resumeSession, signIn, signOut} from './auth';
import {ClaimAttachment} from './attachment';
import {AuthorizationScreen, RetroAuthorization} from './authorizations';
import {AppealForm, CaseScreen, CasesHome, DisputeForm, StatusScreen} from './cases';
import {ClaimDetailScreen, ClaimSearch, forgetSearch} from './claims';
import {loadConfig, type Config} from './config';
import {ProviderDocuments} from './documents';
import {Worklist} from './worklist';
import {href, useRoute, type Route} from './router';
import {forgetProvider, NotFound, useProvider} from './shared';
import {Heading} from './ui';

const nav: [string, string][] = [
  ['claims', 'Claims'],
  ['attachments', 'Claim Attachment'],
  ['authorizations', 'Retro Authorization'],
  ['cases', 'Disputes and Appeals'],
  ['work', 'Worklist'],
  ['status', 'Check Status'],
  ['documents', 'Provider Documents'],
];

function Screen({route}: {route: Route}) {
  const [a, b, c] = route.parts;
  const q = route.query;
  switch (a ?? 'claims') {
    case 'claims':
      return b ? <ClaimDetailScreen key={b} claimNumber={b} /> : <ClaimSearch />;
    case 'attachments':
      return <ClaimAttachment />;
    case 'authorizations':
      return b ? <AuthorizationScreen key={b} id={b} /> : <RetroAuthorization />;
    case 'disputes':
      return b === 'new' ? <DisputeForm key={q.get('claim')} claim={q.get('claim') ?? ''} /> : <NotFound />;
    case 'appeals':
      if (b === 'new') return <AppealForm key={`${q.get('claim')}${q.get('authorization')}`} claim={q.get('claim') ?? undefined} authorization={q.get('authorization') ?? undefined} />;
      return b && c === 'edit' ? <AppealForm key={b} draftId={b} /> : <NotFound />;
    case 'cases':
      return b ? <CaseScreen key={b} id={b} /> : <CasesHome />;
    case 'status':
      return <StatusScreen key={q.get('claim')} claim={q.get('claim') ?? ''} />;
    case 'documents':
      return <ProviderDocuments />;
    case 'work':
      return <Worklist key={q.toString()} query={q} />;
    default:
      return <NotFound />;
  }
}

function SignedOut({cfg, message}: {cfg: Config; message: string}) {
  return (
    <main id="main" class="signin">
      <Heading>Provider Portal</Heading>
      {message ? <p role="alert" class="notice">{message}</p> : null}
      <p>Sign in to find claims, send documents, and file disputes and appeals.</p>
      <button type="button" onClick={() => void signIn(cfg)}>Sign in</button>
    </main>
  );
}

/** A session that ended mid-task: sign in again in a small window, and the page stays as it is. */
function SessionEnded({cfg, onBack}: {cfg: Config; onBack: () => void}) {
  const [failed, setFailed] = useState(false);
  return (
    <div class="session-ended" role="alert">
      <p><strong>Your session has ended.</strong> Sign in again to go on: what you typed stays on this page.</p>
      <button type="button" onClick={async () => ((await reauthenticate(cfg)) ? onBack() : setFailed(true))}>Sign in again</button>
      {failed ? <p>The sign-in window was closed or blocked. Allow pop-ups for this site and try again, or <button type="button" class="link" onClick={() => void signIn(cfg)}>sign in here</button> (what you typed is then lost).</p> : null}
    </div>
  );
}

/** Who is signed in: the practice's name, as the plan knows it, and the TIN. */
function Who({tin}: {tin: string}) {
  const provider = useProvider();
  return <p class="who">{provider?.name ? `${provider.name}, ` : ''}TIN {tin}</p>;
}

function App({cfg, message}: {cfg: Config; message: string}) {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(!!currentSession());
  const [ended, setEnded] = useState(false);
  // Configured as the shell first renders, before any screen's effect calls the API.
  useState(() => configureApi(cfg.apiBase, () => {
    endSession();
    setEnded(true);
  }));
  useEffect(() => {
    document.title = `${nav.find(([k]) => k === (route.parts[0] ?? 'claims'))?.[1] ?? 'Provider Portal'} – Provider Portal`;
  }, [route]);
  if (!signedIn) return <SignedOut cfg={cfg} message={message} />;
  const s = currentSession();
  // A dispute's, an appeal's or a case's page is under Disputes and Appeals.
  const section = (p?: string) => (p === 'disputes' || p === 'appeals' ? 'cases' : p ?? 'claims');
  const here = section(route.parts[0]);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to main content</a>
      <header>
        <p class="brand">{cfg.planName ?? 'Provider Portal'}</p>
        {s ? <Who tin={s.tin} /> : null}
        <button type="button" class="secondary" onClick={() => { forgetSearch(); forgetProvider(); setSignedIn(false); signOut(cfg); }}>Sign out</button>
        <nav aria-label="Portal">
          <ul>
            {nav.map(([k, t]) => <li key={k}><a href={href(k)} aria-current={here === k ? 'page' : undefined}>{t}</a></li>)}
          </ul>
        </nav>
      </header>
      {ended ? <SessionEnded cfg={cfg} onBack={() => setEnded(false)} /> : null}
      <main id="main" tabIndex={-1}>
        <Screen key={location.hash.split('?')[0]} route={route} />
      </main>
    </>
  );
}

async function start() {
  const root = document.getElementById('app')!;
  // The sign-in window's redirect back: its code goes to the page that
  // opened it, which holds the verifier.
  if (popupReturn()) {
    root.textContent = 'Signed in. You can close this window.';
    return;
  }
  const cfg = await loadConfig();
  let message = '';
  try {
    await completeSignIn(cfg);
    // A reload of a signed-in tab: through the issuer and back, to this screen.
    if (await resumeSession(cfg)) {
      root.textContent = 'Signing in again…';
      return;
    }
  } catch (e) {
    message = (e as Error).message;
  }
  render(<App cfg={cfg} message={message} />, root);
}

start().catch(() => {
  document.getElementById('app')!.textContent = 'The portal could not start. Reload the page in a minute.';
});
