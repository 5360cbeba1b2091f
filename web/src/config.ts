// The portal's settings, read from /config.json on the same origin: the
// sign-in endpoints of the issuer the API trusts, and where the API is.
export interface Config {
  apiBase: string; // "/api": CloudFront (or the local server) sends it to the API
  clientId: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  logoutEndpoint: string;
  scope: string;
  planName?: string;
}

export async function loadConfig(): Promise<Config> {
  const r = await fetch('/config.json', {cache: 'no-store'});
  if (!r.ok) throw new Error(`config.json answered ${r.status}`);
  return (await r.json()) as Config;
}
