import { newId } from '../lib/ids.js';
import type { DevSessionType as SessionType } from '../db/row-types.js';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

/** How long the session's end may take after the command ended (the create may still be on its way). */
export const END_BUDGET_MS = 1000;

export type SessionStart = { type: SessionType; profile?: string; project?: string };
export type SessionEnd = {
  status: 'completed' | 'failed' | 'cancelled';
  exitCode: number;
  outputLines: number;
  errorCount: number;
  endedAt: Date;
};

/** Records one session; `finish` resolves to one warning (without the `devflow: ` prefix), or null when all went well. */
export type Recorder = { finish(end: SessionEnd, signal: AbortSignal): Promise<string | null> };

type Answer = { ok: true } | { ok: false; transient: boolean; why: string; code?: string };

/** Why a request failed, in a few words: the connection error's code, or the timeout. */
function failure(error: unknown, base: URL): Answer {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return { ok: false, transient: true, why: `no answer from ${base.origin} in time` };
  const cause = error instanceof Error ? (error.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  // Only a code or the cause's message, never the error's own text: that may quote the request.
  const code = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : 'request failed';
  return { ok: false, transient: true, why: `cannot reach ${base.origin} (${code})` };
}

/** A problem+json answer in one line: `401 UNAUTHORIZED: …`, cut short. */
async function refusal(res: Response): Promise<Answer> {
  let code: string | undefined;
  let detail = '';
  try {
    const body = (await res.json()) as { code?: unknown; detail?: unknown };
    code = typeof body.code === 'string' ? body.code : undefined;
    detail = typeof body.detail === 'string' ? `: ${body.detail.replace(/\s+/g, ' ').slice(0, 200)}` : '';
  } catch {
    // not JSON (a proxy's error page): the status says enough
  }
  const transient = res.status >= 500 || res.status === 429;
  return { ok: false, transient, code, why: `the server answered ${res.status}${code ? ` ${code}` : ''}${detail}` };
}

/** A recorder that records nothing and says why once. */
const notRecording = (why: string): Recorder => ({ finish: () => Promise.resolve(why) });

/**
 * Starts recording: the session is created right away, in parallel with the command (whose start
 * never waits for it), with a client-made id and start time so that the create can be repeated
 * safely when the server was unreachable at first. `finish` ends it within the signal's time.
 */
export function startRecording(env: NodeJS.ProcessEnv, start: SessionStart): Recorder {
  const key = env.DEVFLOW_API_KEY;
  if (!key) return notRecording('DEVFLOW_API_KEY is not set; the session is not recorded');
  let base: URL;
  try {
    base = new URL(`${(env.DEVFLOW_URL || DEFAULT_URL).replace(/\/+$/, '')}/`);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') throw new Error('not http');
  } catch {
    return notRecording('DEVFLOW_URL is not an http(s) URL; the session is not recorded');
  }
  // fetch refuses such URLs, and its error would quote the password; the key goes in DEVFLOW_API_KEY.
  if (base.username || base.password) return notRecording('DEVFLOW_URL must not hold a user name or password; the session is not recorded');

  const id = newId();
  const sessions = new URL('v1/sessions', base);
  // Aborted when finish's time is up: the create may still be waiting for a slow server then.
  const lifetime = new AbortController();
  const send = async (method: 'POST' | 'PATCH', url: URL, body: object, signal: AbortSignal): Promise<Answer> => {
    try {
      const res = await fetch(url, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.any([signal, lifetime.signal]),
      });
      if (res.ok) {
        await res.body?.cancel();
        return { ok: true };
      }
      return await refusal(res);
    } catch (error) {
      return failure(error, base);
    }
  };

  const body = { id, type: start.type, startedAt: new Date().toISOString(), ...(start.project === undefined ? {} : { project: start.project }) };
  let note: string | null = null;
  const create = async (signal: AbortSignal): Promise<Answer> => {
    const withProfile = start.profile === undefined || note !== null ? body : { ...body, profile: start.profile };
    const answer = await send('POST', sessions, withProfile, signal);
    if (answer.ok || answer.code !== 'UNKNOWN_PROFILE') return answer;
    // Recorded all the same, only without the profile: the command matters more than the label.
    note = `no profile '${start.profile}' on the server; the session is recorded without one`;
    return send('POST', sessions, body, signal);
  };
  const created = create(lifetime.signal);

  return {
    async finish(end, signal) {
      if (signal.aborted) lifetime.abort();
      else signal.addEventListener('abort', () => lifetime.abort(), { once: true });
      let answer = await created;
      if (!answer.ok && answer.transient && !signal.aborted) answer = await create(signal);
      if (!answer.ok) return `${answer.why}; the session is not recorded`;
      const { endedAt, ...counts } = end;
      const ended = await send('PATCH', new URL(`v1/sessions/${id}`, base), { ...counts, endedAt: endedAt.toISOString() }, signal);
      if (!ended.ok) return `${ended.why}; session ${id} was started but not ended`;
      return note;
    },
  };
}
