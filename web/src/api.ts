// The API client: JSON in and out, the bearer token from memory, and every
// error as an ApiError carrying the problem document's own words.
import {currentSession} from './auth';
import type {Problem as APIProblem} from './types';

/** The API's problem codes, and the portal's own: signed out, no connection, an answer it cannot read. */
export type ProblemCode = APIProblem['code'] | 'SIGNED_OUT' | 'NETWORK' | 'UNEXPECTED';

export interface Problem {
  status: number;
  code: ProblemCode;
  title: string;
  detail: string;
  errors?: Record<string, string>;
  openCaseId?: string;
  openAuthorizationId?: string;
  documentUploadPath?: string;
}

export class ApiError extends Error implements Problem {
  status: number;
  code: ProblemCode;
  title: string;
  detail: string;
  errors?: Record<string, string>;
  openCaseId?: string;
  openAuthorizationId?: string;
  documentUploadPath?: string;
  constructor(p: Problem) {
    super(p.detail);
    this.status = p.status;
    this.code = p.code;
    this.title = p.title;
    this.detail = p.detail;
    this.errors = p.errors;
    this.openCaseId = p.openCaseId;
    this.openAuthorizationId = p.openAuthorizationId;
    this.documentUploadPath = p.documentUploadPath;
  }
}

let base = '/api';
let onUnauthorized: () => void = () => {};
export function configureApi(apiBase: string, unauthorized: () => void) {
  base = apiBase;
  onUnauthorized = unauthorized;
}

export type Query = Record<string, string | number | undefined>;

export interface CallOptions {
  query?: Query;
  body?: unknown;
  idempotencyKey?: string;
}

export async function api<T>(method: string, path: string, opts: CallOptions = {}): Promise<T> {
  const s = currentSession();
  if (!s) {
    onUnauthorized();
    throw new ApiError({status: 401, code: 'SIGNED_OUT', title: 'Signed out', detail: 'Your session has ended. Sign in again to go on.'});
  }
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(opts.query ?? {})) if (v !== undefined && v !== '') q.set(k, String(v));
  const headers: Record<string, string> = {Authorization: `Bearer ${s.token}`, Accept: 'application/json, application/problem+json'};
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (opts.idempotencyKey) headers['Idempotency-Key'] = opts.idempotencyKey;
  let r: Response;
  try {
    r = await fetch(`${base}${path}${q.size ? `?${q}` : ''}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError({status: 0, code: 'NETWORK', title: 'No connection', detail: 'The portal could not be reached. Check your connection and try again; nothing was lost.'});
  }
  if (r.status === 204) return undefined as T;
  const type = r.headers.get('Content-Type') ?? '';
  const data = type.includes('json') ? await r.json().catch(() => null) : null;
  if (r.ok) return data as T;
  if (r.status === 401) {
    onUnauthorized();
    throw new ApiError({status: 401, code: 'SIGNED_OUT', title: 'Signed out', detail: 'Your session has ended. Sign in again to go on.'});
  }
  if (data && typeof data === 'object' && 'code' in data) throw new ApiError({...(data as Problem), status: r.status});
  throw new ApiError({status: r.status, code: 'UNEXPECTED', title: 'Something went wrong', detail: 'The portal could not do that just now. Try again in a minute; what you typed is kept.'});
}

/** A fresh Idempotency-Key: one per form, kept across its retries. */
export const newKey = () => crypto.randomUUID();
