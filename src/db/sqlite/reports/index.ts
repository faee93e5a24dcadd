import { SLOT_MS, slotOf, SUMMARY_LAYOUT } from '../../../lib/rollup-grains.js';
import type { ReportSource, ReportStore } from '../../store.js';
import type { Db } from '../client.js';
import type { RollupKeeper } from '../rollups/keeper.js';
import type { RollupStateAccess } from '../rollups/state.js';
import { statementCache } from './common.js';
import { featuresReport } from './features.js';
import { productivityCells } from './productivity.js';
import { profilesReport, sessionsReport } from './sessions.js';
import { toolsReport, toolsTimeseries, type ToolScope } from './tools-raw.js';
import { toolsReportFromRollups, toolsTimeseriesFromRollups, type RollupReading } from './tools-rollup.js';

type Deps = { db: Db; rollups: RollupKeeper; state: RollupStateAccess; moveStaged: () => void; exactReportCalls: number };

const callsIn = (rows: ReadonlyArray<{ calls: number }>) => rows.reduce((n, r) => n + r.calls, 0);

/**
 * The reports over SQLite. The tool reports read the rollups once they are built unless a
 * session is given, and then re-read raw rows when the range holds at most exactReportCalls
 * calls and raw rows still hold every one of them (exact percentiles cost little there); they
 * say which in `source`. Staged calls are moved and rollup deltas folded first.
 */
export function createReportStore({ db, rollups, state, moveStaged, exactReportCalls }: Deps): ReportStore {
  const prepared = statementCache(db);
  const oldestRaw = db.$client.prepare('select min(timestamp) from tool_calls').pluck();
  /** The first slot whose raw rows are all still stored (the oldest one may have lost some to retention). */
  const rawFrom = (): number => {
    const at = oldestRaw.get() as number | null;
    return at === null ? Number.POSITIVE_INFINITY : slotOf(at) + SLOT_MS;
  };

  /**
   * The rollup answer, or the raw one when it is small and complete (same calls as the rollups
   * count). Only without a profile or project filter: raw rows can be found by them only by
   * reading every call of the range (a 30-day project report over raw rows took 400 ms at 1M).
   */
  function answer<Row extends { calls: number }>(filter: ToolScope, fromRollups: (reading: RollupReading) => Row[], fromRaw: () => Row[]): { rows: Row[]; source: ReportSource } {
    moveStaged();
    const current = filter.session === undefined ? state.read() : null;
    if (!current?.built) return { rows: fromRaw(), source: 'raw' };
    rollups.settle();
    const rolled = fromRollups({ rawFrom: rawFrom(), offsetHours: current.layout >= SUMMARY_LAYOUT, closedBefore: current.closedBefore ?? Number.POSITIVE_INFINITY });
    const calls = callsIn(rolled);
    if (calls <= exactReportCalls && filter.profileId === undefined && filter.project === undefined) {
      const raw = fromRaw();
      if (callsIn(raw) === calls) return { rows: raw, source: 'raw' };
    }
    return { rows: rolled, source: 'rollup' };
  }

  return {
    async sessions(scope) {
      return sessionsReport(prepared, scope);
    },
    async tools(scope) {
      return answer(scope, (reading) => toolsReportFromRollups(prepared, scope, reading), () => toolsReport(prepared, scope));
    },
    async toolsTimeseries(scope) {
      return answer(scope, (reading) => toolsTimeseriesFromRollups(prepared, scope, reading), () => toolsTimeseries(prepared, scope));
    },
    async productivity(scope) {
      return productivityCells(prepared, scope);
    },
    async features(scope) {
      return featuresReport(prepared, scope);
    },
    async profiles(scope) {
      moveStaged(); // lastActiveAt: the sessions' last activity moves with their staged calls
      return profilesReport(prepared, scope);
    },
  };
}
