import type { Config } from '../config.js';
import type { Store } from '../db/store.js';
import { createRetentionService, type RetentionRunView } from '../services/retention.js';
import { parse, subcommand, type CliContext, type Command } from './command.js';
import { withStore } from './with-store.js';
import { startProgress } from './progress.js';

const USAGE = `Usage:
  devflow retention run [--dry-run] [--json]

  Runs retention now on the database of DEVFLOW_DB_PATH (it must exist), with the policy stored in it
  (GET /v1/retention/policy): deletes expired rows in small batches, closes stale sessions,
  then reclaims space per the policy's vacuum mode. Safe while the server runs: both share
  one lease, so if a run is already in progress (here or in the server) this one stops at
  once with exit status 1 (RETENTION_RUNNING). The run is recorded in the history with
  trigger "cli". Ctrl-C stops it between two batches (recorded as failed).

  --dry-run  count what would be deleted and closed; change nothing
  --json     print the run record as JSON instead of a summary`;

export const retentionCommand: Command = {
  summary: 'run retention now (or count what it would delete with --dry-run)',
  usage: USAGE,
  async run(ctx) {
    const chosen = subcommand(ctx, 'retention', ['run'], USAGE);
    if (!chosen) return 0;
    const { args } = chosen;
    const { values } = parse(args, { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } });
    // The text summary says what the run did; with --json the progress line is the only one for people.
    const run = await withStore(ctx, (store, config) => runOnce(ctx, store, config, { dryRun: values['dry-run'] ?? false, progressSummary: values.json === true }));
    ctx.out(values.json ? JSON.stringify(run, null, 2) : summary(run));
    return 0;
  },
};

async function runOnce(ctx: CliContext, store: Store, config: Config, { dryRun, progressSummary }: { dryRun: boolean; progressSummary: boolean }): Promise<RetentionRunView> {
  const report = (o: object, msg?: string) => ctx.err(`devflow: ${msg ?? ''} ${JSON.stringify(o)}`);
  const log = { info: () => undefined, warn: report, error: report };
  const retention = createRetentionService({ store, config, now: Date.now, log });
  const controller = new AbortController();
  const stop = () => controller.abort('aborted: interrupted from the command line');
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Progress on stderr: every slice of every step reports what it did (rows deleted, closed or
  // counted; pages the vacuum gave back), so the unit is the neutral "items"; the total is unknown.
  const progress = startProgress({ label: dryRun ? 'retention dry run' : 'retention run', unit: 'items', write: ctx.err });
  let items = 0;
  try {
    return await retention.run({ dryRun, trigger: 'cli', signal: controller.signal, onSlice: (_ms, n) => progress.update((items += n)) });
  } finally {
    progress.finish({ summary: progressSummary });
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function summary(run: RetentionRunView): string {
  const d = run.deleted;
  const verb = run.dryRun ? 'would delete' : 'deleted';
  const mib = (b: number | null) => (b === null ? '?' : `${(b / 1048576).toFixed(1)} MiB`);
  return [
    `retention run ${run.id}${run.dryRun ? ' (dry run)' : ''}: ${verb} ${d.toolCalls} tool calls, ${d.sessions} sessions, ${d.productivityEvents} productivity events, ${d.featureUsage} feature usage records`,
    `${run.dryRun ? 'would close' : 'closed'} ${run.staleSessionsClosed} stale sessions; vacuum ${run.vacuum.mode}: ${mib(run.vacuum.bytesBefore)} -> ${mib(run.vacuum.bytesAfter)}; ${run.durationMs ?? 0} ms`,
    ...(run.vacuum.note ? [`note: ${run.vacuum.note}`] : []),
  ].join('\n');
}
