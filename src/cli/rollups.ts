import type { RebuildResult } from '../db/store.js';
import { parse, subcommand, type Command } from './command.js';
import { withStore } from './with-store.js';
import { startProgress } from './progress.js';

const USAGE = `Usage:
  devflow rollups rebuild [--json]
  devflow rollups status [--json]

  rebuild  Recomputes the tool-call rollups (15-minute slots and the day, hour and slot summaries
           that feed GET /v1/reports/tools and /v1/reports/tools/timeseries) from the raw tool calls, from the oldest one still stored
           on, in small slices: safe while the server runs and ingests. Older rollups, whose raw
           rows retention already deleted, are kept. Ctrl-C stops it between two slices; run it
           again to start over (the server's own backfill resumes where it stopped).
  status   Says whether the rollups are built (until then the tool reports read raw rows).

Works on the database of DEVFLOW_DB_PATH, like the server; it must exist (the server or
devflow migrate creates it).`;

export const rollupsCommand: Command = {
  summary: 'rebuild the tool-call rollups behind the tool reports, or show their state',
  usage: USAGE,
  async run(ctx) {
    const chosen = subcommand(ctx, 'rollups', ['rebuild', 'status'], USAGE);
    if (!chosen) return 0;
    const { sub, args } = chosen;
    const { values } = parse(args, { json: { type: 'boolean' } });
    if (sub === 'status') {
      const state = await withStore(ctx, (store) => store.rollups.state());
      ctx.out(values.json ? JSON.stringify(state) : state.built ? 'rollups: built' : `rollups: not built${state.next === null ? '' : ` (backfill at ${new Date(state.next).toISOString()})`}`);
      return 0;
    }
    const result = await withStore(ctx, async (store) => {
      const controller = new AbortController();
      const stop = () => controller.abort('aborted: interrupted from the command line');
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      // Progress on stderr in days of calls rebuilt (the store reports each day done).
      const progress = startProgress({ label: 'rollups rebuild', unit: 'days', write: ctx.err });
      try {
        return await store.rollups.rebuild({ signal: controller.signal, onProgress: (done, total) => progress.update(done / 86_400_000, total / 86_400_000) });
      } finally {
        // The text summary says what was rebuilt; with --json the progress line is the only one for people.
        progress.finish({ summary: values.json === true });
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
    ctx.out(values.json ? JSON.stringify(result) : summary(result));
    return 0;
  },
};

function summary(r: RebuildResult): string {
  if (r.from === null || r.to === null) return `rollups rebuilt: no raw tool calls stored (${r.seconds.toFixed(1)} s)`;
  return `rollups rebuilt: ${r.slots} slots of 15 minutes from ${new Date(r.from).toISOString()} to ${new Date(r.to).toISOString()} in ${r.seconds.toFixed(1)} s`;
}
