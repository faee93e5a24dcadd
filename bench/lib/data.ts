import { randomUUID } from 'node:crypto';
import { newId } from '../../src/lib/ids.js';

/** The shape of the telemetry every phase writes: same tools, sessions and mix everywhere. */
export const TOOLS = [
  'Read', 'Edit', 'Write', 'Bash', 'Grep', 'Glob', 'WebFetch', 'WebSearch', 'TodoWrite', 'Task',
  'NotebookEdit', 'mcp__github__create_issue', 'mcp__github__get_pull_request', 'mcp__filesystem__read_file', 'mcp__postgres__query', 'mcp__slack__post_message',
] as const;

export const SESSION_COUNT = 64;

export function sessionIds(n = SESSION_COUNT): string[] {
  return Array.from({ length: n }, () => newId());
}

/** A cheap deterministic mix from the row number: 85% success, 10% error, 5% timeout. */
export function callFields(i: number, sessions: string[]) {
  const h = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  const bucket = h % 20;
  const status = bucket < 17 ? 'success' : bucket < 19 ? 'error' : 'timeout';
  return {
    sessionId: sessions[h % sessions.length] as string,
    toolName: TOOLS[(h >>> 8) % TOOLS.length] as string,
    durationMs: (h >>> 4) % 30_000,
    status,
    errorType: status === 'success' ? null : status === 'error' ? 'tool_error' : 'timeout',
  };
}

/** Bodies for the HTTP phases: no id (the server makes UUID v7) and no timestamp (now). */
export function batchBodies(count: number, size: number, sessions: string[]): string[] {
  let i = 0;
  return Array.from({ length: count }, () =>
    JSON.stringify({ items: Array.from({ length: size }, () => callFields(i++, sessions)) }),
  );
}

export function singleBodies(count: number, sessions: string[]): string[] {
  return Array.from({ length: count }, (_, i) => JSON.stringify(callFields(i, sessions)));
}

export type IdKind = 'v7' | 'v4';
export const makeId = (kind: IdKind): (() => string) => (kind === 'v7' ? newId : randomUUID);
