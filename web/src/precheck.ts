// A form's check before it is sent, in the API's own words: at each field
// left empty, the sentence the API answers for it when the form is sent
// empty (empty-forms.json, which a Go test holds to the running API), and
// at each date the browser could not read (02/30/2026) the API's sentence
// for a date that is not one. A form with such a date is not sent: the
// browser would send the date as empty, and an optional one would be lost.
// A form with empty fields is sent all the same, and the API's answer
// (which refuses it whole, writing nothing) joins the portal's: every
// problem in one round, the formats and rules only the API knows included,
// and the empty fields named even when the API cannot be reached.
import {ApiError} from './api';
import emptyForms from './empty-forms.json';

export type FormName = keyof typeof emptyForms;

/** The API's sentence for a date that is not on the calendar (portal.SayNotADate). */
export const impossibleDate = 'That is not a date on the calendar: enter it as MM/DD/YYYY.';

// portal.SayOneField and portal.SayFields, as the API says them: see detailFor.
const empty = (v: unknown) => v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0);
const at = (body: Record<string, unknown>, path: string) =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), body);

/**
 * The problems of body, the form's request as it would be sent, or null:
 * a field is checked when its first part is in body (a form that names a
 * request instead of a claim sends no claim number, and is not asked for
 * one). dates are the ids of the form's date fields.
 */
export function precheck(form: FormName, body: Record<string, unknown>, dates: string[] = []): ApiError | null {
  const errors: Record<string, string> = {};
  for (const [key, sentence] of Object.entries(emptyForms[form] as Record<string, string>)) {
    if (key.split('.')[0] in body && empty(at(body, key))) errors[key] = sentence;
  }
  for (const id of dates) {
    if ((document.getElementById(id) as HTMLInputElement | null)?.validity.badInput) errors[id] = impossibleDate;
  }
  const n = Object.keys(errors).length;
  if (!n) return null;
  return new ApiError({status: 400, code: 'INVALID_REQUEST', title: 'Check the form', detail: detailFor(n), errors});
}

const detailFor = (n: number) => (n > 1 ? `${n} fields need your attention: each is highlighted. Correct them and submit again.` : 'Correct the highlighted fields and submit again.');

/** Sends the form with send(), checked first as above; what is wrong, the portal's and the API's, as one problem. */
export async function checked<T>(form: FormName, body: Record<string, unknown>, dates: string[], send: () => Promise<T>): Promise<T> {
  const pre = precheck(form, body, dates);
  if (pre && Object.values(pre.errors ?? {}).includes(impossibleDate)) throw pre;
  try {
    return await send();
  } catch (e) {
    // A session that ended, or a refusal on the plan's rules, is said as it is.
    if (!pre || !(e instanceof ApiError) || (e.status !== 0 && e.status !== 400)) throw e;
    const errors = {...pre.errors, ...e.errors};
    throw new ApiError({status: 400, code: e.code === 'NETWORK' ? pre.code : e.code, title: pre.title, detail: detailFor(Object.keys(errors).length), errors});
  }
}
