// Files go straight to storage: the API issues a presigned form per file,
// the browser posts the file to it (with a progress bar), and the portal
// polls the API, for every file it waits on at once, until each file's
// check (type by content, size, macros) is known.
import {useEffect, useRef, useState} from 'preact/hooks';
import {api, ApiError, newKey} from './api';
import type {UploadCreated, UploadStatuses} from './types';
import {sizeText} from './ui';

type Phase = 'starting' | 'uploading' | 'checking' | 'accepted' | 'rejected' | 'failed';
interface Row {
  key: string;
  name: string;
  size: number;
  phase: Phase;
  progress: number;
  uploadId?: string;
  message?: string;
  selected: boolean;
}

export interface Files {
  accepted: string[]; // upload IDs ready to submit
  busy: boolean; // a file is still uploading or being checked
}

const phaseText: Record<Phase, string> = {
  starting: 'Starting…',
  uploading: 'Uploading',
  checking: 'Checking the file…',
  accepted: 'Accepted',
  rejected: 'Refused',
  failed: 'Not uploaded',
};

function post(c: UploadCreated, file: File, onProgress: (pct: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = new FormData();
    for (const [k, v] of Object.entries(c.form.fields)) body.append(k, v);
    body.append('file', file);
    const x = new XMLHttpRequest();
    x.open('POST', c.form.url);
    x.upload.onprogress = (e) => e.lengthComputable && onProgress(Math.round((e.loaded / e.total) * 100));
    x.onload = () => (x.status >= 200 && x.status < 300 ? resolve() : reject(new Error(String(x.status))));
    x.onerror = () => reject(new Error('network'));
    x.send(body);
  });
}

export function Uploader({id, label, hint, onChange, error}: {id: string; label: string; hint?: string; onChange: (f: Files) => void; error?: string}) {
  const [rows, setRows] = useState<Row[]>([]);
  const [announce, setAnnounce] = useState('');
  const latest = useRef(rows);
  latest.current = rows;
  const update = (key: string, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? {...r, ...patch} : r)));

  useEffect(() => {
    onChange({accepted: rows.filter((r) => r.phase === 'accepted').map((r) => r.uploadId!), busy: rows.some((r) => ['starting', 'uploading', 'checking'].includes(r.phase))});
  }, [rows]);

  // One poll for every file being checked.
  const waiting = rows.filter((r) => r.phase === 'checking').map((r) => r.uploadId!).join(',');
  useEffect(() => {
    if (!waiting) return;
    const t = setInterval(async () => {
      try {
        const res = await api<UploadStatuses>('GET', '/uploads', {query: {ids: waiting}});
        for (const u of res.uploads) {
          if (u.status === 'pending') continue;
          const row = latest.current.find((r) => r.uploadId === u.uploadId);
          if (!row || row.phase !== 'checking') continue;
          update(row.key, {phase: u.status, message: u.rejectReason});
          setAnnounce(`${row.name}: ${u.status === 'accepted' ? 'accepted' : `refused. ${u.rejectReason ?? ''}`}`);
        }
      } catch {
        /* the next poll tries again */
      }
    }, 800);
    return () => clearInterval(t);
  }, [waiting]);

  const add = async (file: File) => {
    const key = newKey();
    setRows((rs) => [...rs, {key, name: file.name, size: file.size, phase: 'starting', progress: 0, selected: false}]);
    let created: UploadCreated;
    try {
      created = await api<UploadCreated>('POST', '/uploads', {body: {fileName: file.name, size: file.size}, idempotencyKey: key});
    } catch (e) {
      const msg = e instanceof ApiError ? e.detail : 'The file could not be started. Try again.';
      update(key, {phase: 'failed', message: msg});
      setAnnounce(`${file.name}: not uploaded. ${msg}`);
      return;
    }
    update(key, {phase: 'uploading', uploadId: created.upload.uploadId});
    try {
      await post(created, file, (progress) => update(key, {progress}));
      update(key, {phase: 'checking', progress: 100});
    } catch {
      update(key, {phase: 'failed', message: 'The file did not reach storage. Select it and choose Delete Selected, then add it again.'});
    }
  };

  const [deleting, setDeleting] = useState(false);
  const deleteSelected = async () => {
    setDeleting(true);
    const chosen = rows.filter((r) => r.selected);
    for (const r of chosen) {
      if (r.uploadId) {
        try {
          await api('DELETE', `/uploads/${encodeURIComponent(r.uploadId)}`);
        } catch (e) {
          if (!(e instanceof ApiError && e.status === 404)) {
            update(r.key, {message: e instanceof ApiError ? e.detail : 'Could not delete; try again.'});
            continue;
          }
        }
      }
      setRows((rs) => rs.filter((x) => x.key !== r.key));
    }
    setAnnounce(`${chosen.length} file${chosen.length === 1 ? '' : 's'} deleted`);
    setDeleting(false);
  };

  const selectedCount = rows.filter((r) => r.selected).length;
  return (
    <div class={`field uploader${error ? ' has-error' : ''}`}>
      <label for={id}>{label}</label>
      {hint ? <p class="hint" id={`${id}-hint`}>{hint}</p> : null}
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
      <input id={id} type="file" multiple aria-describedby={[hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined}
        onChange={(e) => {
          const input = e.currentTarget;
          for (const f of Array.from(input.files ?? [])) void add(f);
          input.value = '';
        }} />
      {rows.length ? (
        <>
          <ul class="files" aria-label="Files">
            {rows.map((r) => (
              <li key={r.key} class={`file ${r.phase}`} data-file={r.name}>
                <label class="choice">
                  <input type="checkbox" checked={r.selected} onChange={(e) => update(r.key, {selected: e.currentTarget.checked})} />
                  <span class="file-name">{r.name}</span> <span class="muted">({sizeText(r.size)})</span>
                </label>
                {r.phase === 'uploading' || r.phase === 'starting' ? (
                  <progress max={100} value={r.progress} aria-label={`Upload of ${r.name}`} />
                ) : null}
                <span class="file-status">
                  {phaseText[r.phase]}
                  {r.phase === 'uploading' ? ` ${r.progress}%` : ''}
                  {r.message ? `: ${r.message}` : ''}
                </span>
              </li>
            ))}
          </ul>
          <button type="button" class="secondary" disabled={!selectedCount || deleting} onClick={deleteSelected}>
            Delete Selected{selectedCount ? ` (${selectedCount})` : ''}
          </button>
        </>
      ) : null}
      <p class="sr-only" aria-live="polite">{announce}</p>
    </div>
  );
}
