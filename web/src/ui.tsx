// Small accessible building blocks: labelled fields that show the API's
// message for them, an error summary, tabs, tables that scroll on a phone.
import type {ComponentChildren} from 'preact';
import {useEffect, useRef} from 'preact/hooks';
import {ApiError} from './api';

export type Errors = Record<string, string>;

interface FieldProps {
  id: string;
  label: string;
  error?: string;
  hint?: string;
  required?: boolean;
}

const described = (p: FieldProps) => [p.hint && `${p.id}-hint`, p.error && `${p.id}-error`].filter(Boolean).join(' ') || undefined;

function Wrap(p: FieldProps & {children: ComponentChildren}) {
  return (
    <div class={`field${p.error ? ' has-error' : ''}`}>
      <label for={p.id}>
        {p.label}
        {p.required ? <span class="req"> (required)</span> : null}
      </label>
      {p.hint ? <p class="hint" id={`${p.id}-hint`}>{p.hint}</p> : null}
      {p.error ? <p class="field-error" id={`${p.id}-error`}>{p.error}</p> : null}
      {p.children}
    </div>
  );
}

type InputProps = FieldProps & {
  value: string;
  onValue: (v: string) => void;
  type?: string;
  autoComplete?: string;
  inputMode?: 'numeric' | 'text' | 'email';
  min?: number;
  max?: number;
  disabled?: boolean;
  /** Values to choose from, while any other may still be typed. */
  suggestions?: [string, string][];
};

export function TextField({id, label, error, hint, required, value, onValue, type = 'text', autoComplete, inputMode, min, max, disabled, suggestions}: InputProps) {
  return (
    <Wrap id={id} label={label} error={error} hint={hint} required={required}>
      <input id={id} name={id} value={value} onInput={(e) => onValue(e.currentTarget.value)} aria-invalid={error ? 'true' : undefined}
        aria-describedby={described({id, label, error, hint})} required={required} type={type as 'text'}
        autoComplete={autoComplete} inputMode={inputMode} min={min} max={max} disabled={disabled} list={suggestions?.length ? `${id}-list` : undefined} />
      {suggestions?.length ? <datalist id={`${id}-list`}>{suggestions.map(([v, t]) => <option key={v} value={v}>{t}</option>)}</datalist> : null}
    </Wrap>
  );
}

export function TextArea({id, label, error, hint, required, value, onValue, maxLength}: FieldProps & {value: string; onValue: (v: string) => void; maxLength?: number}) {
  return (
    <Wrap id={id} label={label} error={error} hint={hint} required={required}>
      <textarea id={id} name={id} value={value} rows={4} maxLength={maxLength} onInput={(e) => onValue(e.currentTarget.value)}
        aria-invalid={error ? 'true' : undefined} aria-describedby={described({id, label, error, hint})} required={required} />
    </Wrap>
  );
}

/** A list to choose from; none names the empty choice (by default "Choose…"). */
export function SelectField({id, label, error, hint, required, value, onValue, options, none}: FieldProps & {value: string; onValue: (v: string) => void; options: [string, string][]; none?: string}) {
  return (
    <Wrap id={id} label={label} error={error} hint={hint} required={required}>
      <select id={id} name={id} value={value} onChange={(e) => onValue(e.currentTarget.value)} aria-invalid={error ? 'true' : undefined}
        aria-describedby={described({id, label, error, hint})} required={required}>
        <option value="">{none ?? 'Choose…'}</option>
        {options.map(([v, t]) => <option key={v} value={v}>{t}</option>)}
      </select>
    </Wrap>
  );
}

export function Radios({id, legend, error, value, onValue, options, disabled}: {id: string; legend: string; error?: string; value: string; onValue: (v: string) => void; options: [string, string][]; disabled?: boolean}) {
  return (
    <fieldset class={`field${error ? ' has-error' : ''}`} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
      {options.map(([v, t]) => (
        <label key={v} class="choice">
          <input type="radio" name={id} value={v} checked={value === v} disabled={disabled} onChange={() => onValue(v)} /> {t}
        </label>
      ))}
    </fieldset>
  );
}

export function Checkbox({id, label, checked, onChecked, error}: {id: string; label: string; checked: boolean; onChecked: (c: boolean) => void; error?: string}) {
  return (
    <div class={`field${error ? ' has-error' : ''}`}>
      {error ? <p class="field-error" id={`${id}-error`}>{error}</p> : null}
      <label class="choice">
        <input id={id} type="checkbox" checked={checked} onChange={(e) => onChecked(e.currentTarget.checked)} aria-describedby={error ? `${id}-error` : undefined} /> {label}
      </label>
    </div>
  );
}

/** The problem's title and detail, and each field's message as a link to the field. */
export function ErrorSummary({error, labels = {}}: {error: ApiError | Error | null; labels?: Record<string, string>}) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  if (!error) return null;
  // In the form's order (its labels'), not the answer's.
  const order = Object.keys(labels);
  const rank = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length);
  const fields = error instanceof ApiError ? Object.entries(error.errors ?? {}).sort(([a], [b]) => rank(a) - rank(b)) : [];
  return (
    <div class="error-summary" role="alert" tabIndex={-1} ref={ref}>
      <h2>There is a problem</h2>
      <p>{error instanceof ApiError ? error.detail : error.message}</p>
      {fields.length ? (
        <ul>
          {fields.map(([f, m]) => (
            <li key={f}>
              {labels[f] ? (
                <a href={`#${f}`} onClick={(e) => { e.preventDefault(); document.getElementById(f)?.focus(); }}>{labels[f]}: {m}</a>
              ) : (
                <span>{m}</span>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** The field messages of an API error, by field name. */
export const fieldErrors = (e: unknown): Errors => (e instanceof ApiError ? e.errors ?? {} : {});

export function Tabs({label, tabs, selected, onSelect, children}: {label: string; tabs: [string, string][]; selected: string; onSelect: (id: string) => void; children: ComponentChildren}) {
  const keys = (e: KeyboardEvent, i: number) => {
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? tabs.length - 1 : -2;
    if (next === -2) return;
    e.preventDefault();
    const id = tabs[(next + tabs.length) % tabs.length][0];
    onSelect(id);
    document.getElementById(`tab-${id}`)?.focus();
  };
  return (
    <div class="tabs">
      <div role="tablist" aria-label={label}>
        {tabs.map(([id, text], i) => (
          <button key={id} type="button" role="tab" id={`tab-${id}`} aria-selected={selected === id} aria-controls={`panel-${selected}`}
            tabIndex={selected === id ? 0 : -1} onClick={() => onSelect(id)} onKeyDown={(e) => keys(e, i)}>
            {text}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`panel-${selected}`} aria-labelledby={`tab-${selected}`}>
        {children}
      </div>
    </div>
  );
}

/** A table that scrolls sideways on a narrow screen, reachable by keyboard. */
export function Scroll({label, children}: {label: string; children: ComponentChildren}) {
  return (
    <>
      <p class="scroll-hint">The table scrolls sideways: swipe or use the arrow keys to see every column.</p>
      <div class="scroll" role="region" aria-label={`${label} (scrolls sideways)`} tabIndex={0}>{children}</div>
    </>
  );
}

/** The screen's heading, focused when the screen opens so that a screen reader announces it. */
export function Heading({children}: {children: ComponentChildren}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return <h1 tabIndex={-1} ref={ref}>{children}</h1>;
}

/** A step's heading (h2), focused when the step appears, so that the reader goes on from there. */
export function StepHeading({id, children}: {id: string; children: ComponentChildren}) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return <h2 id={id} tabIndex={-1} ref={ref}>{children}</h2>;
}

export function Loading({what}: {what: string}) {
  return <p role="status" class="loading">Loading {what}…</p>;
}

export const money = (m?: string) => (m === undefined ? '' : `$${Number(m).toLocaleString('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2})}`);
export const day = (d?: string) => {
  if (!d) return '';
  const [y, m, dd] = d.slice(0, 10).split('-');
  return `${m}/${dd}/${y}`;
};
/** A moment as providers read dates on every screen: MM/DD/YYYY, then the time. */
export const when = (t?: string) =>
  t ? new Date(t).toLocaleString('en-US', {month: '2-digit', day: '2-digit', year: 'numeric', hour: 'numeric', minute: '2-digit'}).replace(',', '') : '';
export const words = (s?: string) => (s ? s.charAt(0).toUpperCase() + s.slice(1).replace(/_/g, ' ') : '');
export const sizeText = (n?: number) => (n === undefined ? '' : n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(0)} KB` : `${(n / (1 << 20)).toFixed(1)} MB`);
