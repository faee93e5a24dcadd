/**
 * Records an agent session the way an integration would: start it, post its tool calls in one
 * batch, end it. Needs an ingest key.
 *
 *   DEVFLOW_URL=http://127.0.0.1:3000 DEVFLOW_API_KEY=dfa_… node --import tsx examples/record-session.ts
 */
import { randomUUID } from 'node:crypto';
import type { OperationBody } from '../clients/typescript/src/index.js';
import { clientFromEnv, ok, run } from './from-env.js';

type ToolCallInput = Extract<OperationBody<'ingestToolCalls'>, { items: unknown }>['items'][number];

/** What the agent did, in order: tool, how long it took, how it ended. */
const WORK: Array<Pick<ToolCallInput, 'toolName' | 'durationMs' | 'status' | 'errorType'>> = [
  { toolName: 'Read', durationMs: 38, status: 'success' },
  { toolName: 'Grep', durationMs: 112, status: 'success' },
  { toolName: 'Edit', durationMs: 57, status: 'success' },
  { toolName: 'Bash', durationMs: 4210, status: 'error', errorType: 'exit_code_1' },
  { toolName: 'Edit', durationMs: 44, status: 'success' },
  { toolName: 'Bash', durationMs: 3890, status: 'success' },
];

run('record-session', async function recordSession() {
  const client = clientFromEnv('ingest');
  const startedAt = Date.now() - WORK.reduce((total, call) => total + call.durationMs, 0);

  // A client-chosen id makes the create idempotent: a retry after a lost answer is a 200, not a second session.
  const session = ok('createSession', await client.POST('/v1/sessions', { body: { id: randomUUID(), type: 'agent', project: 'examples', startedAt } }));

  let at = startedAt;
  const items = WORK.map((call) => {
    const item = { id: randomUUID(), sessionId: session.id, ...call, timestamp: at };
    at += call.durationMs;
    return item;
  });
  const batch = ok('ingestToolCalls', await client.POST('/v1/tool-calls', { body: { items } }));

  const ended = ok('updateSession', await client.PATCH('/v1/sessions/{id}', { params: { path: { id: session.id } }, body: { status: 'completed', exitCode: 0, endedAt: at } }));

  process.stdout.write(
    `session ${ended.id} (${ended.type}, project ${ended.project}): ${batch.accepted} tool calls stored, ${batch.duplicates} duplicates; ` +
      `${ended.status} after ${ended.durationMs} ms, ${ended.toolCallCount} tool calls\n`,
  );
});
