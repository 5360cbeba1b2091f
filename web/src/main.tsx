// The portal's shell: sign-in, navigation and the screens.
import {render} from 'preact';
import {useEffect, useState} from 'preact/hooks';
import {configureApi} from './api';
import {completeSignIn, currentSession, endSession, signIn, signOut} from './auth';
import {ClaimAttachment} from './attachment';
import {AuthorizationScreen, RetroAuthorization} from './authorizations';
import {AppealForm, CaseScreen, DisputeForm, StatusScreen} from './cases';
import {ClaimDetailScreen, ClaimSearch, forgetSearch} from './claims';
import {loadConfig, type Config} from './config';
import {ProviderDocuments} from './documents';
import {href, useRoute, type Route} from './router';
import {NotFound} from './shared';
import {Heading} from './ui';

const nav: [string, string][] = [
  ['claims', 'Claims'],
  ['attachments', 'Claim Attachment'],
  ['authorizations', 'Retro Authorization'],
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
      return b ? <CaseScreen key={b} id={b} /> : <NotFound />;
    case 'status':
      return <StatusScreen key={q.get('claim')} claim={q.get('claim') ?? ''} />;
    case 'documents':
      return <ProviderDocuments />;
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

function App({cfg, message: first}: {cfg: Config; message: string}) {
  const route = useRoute();
  const [message, setMessage] = useState(first);
  const [signedIn, setSignedIn] = useState(!!currentSession());
  useEffect(() => {
    configureApi(cfg.apiBase, () => {
      endSession();
      forgetSearch();
      setMessage('Your session has ended. Sign in again to go on.');
      setSignedIn(false);
    });
  }, []);
  useEffect(() => {
    document.title = `${nav.find(([k]) => k === (route.parts[0] ?? 'claims'))?.[1] ?? 'Provider Portal'} – Provider Portal`;
  }, [route]);
  if (!signedIn) return <SignedOut cfg={cfg} message={message} />;
  const s = currentSession()!;
  const here = route.parts[0] ?? 'claims';
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to main content</a>
      <header>
        <p class="brand">{cfg.planName ?? 'Provider Portal'}</p>
        <p class="who">TIN {s.tin}</p>
        <button type="button" class="secondary" onClick={() => { forgetSearch(); signOut(cfg); }}>Sign out</button>
        <nav aria-label="Portal">
          <ul>
            {nav.map(([k, t]) => <li key={k}><a href={href(k)} aria-current={here === k ? 'page' : undefined}>{t}</a></li>)}
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen key={location.hash.split('?')[0]} route={route} />
      </main>
    </>
  );
}

async function start() {
  const root = document.getElementById('app')!;
  const cfg = await loadConfig();
  let message = '';
  try {
    await completeSignIn(cfg);
  } catch (e) {
    message = (e as Error).message;
  }
  render(<App cfg={cfg} message={message} />, root);
}

start().catch(() => {
  document.getElementById('app')!.textContent = 'The portal could not start. Reload the page in a minute.';
});
