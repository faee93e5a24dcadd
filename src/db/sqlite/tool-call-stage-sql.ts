import type { Db } from './client.js';

/** Where a move got to: the stage's calls up to seq `upTo`, moved as far as (timestamp, id) `after` in their order. */
export type SavedMove = { upTo: number; after: [number, string] | null };

const MOVE_KEY = 'toolCallStage.move';
const COLUMNS = 'id, session_id, tool_name, duration_ms, status, error_type, timestamp';
/** Calls staged by one statement: a statement's fixed cost shared by many rows (bench/RESULTS.md). */
export const STAGE_CHUNK = 64;
const ROW = '(?, ?, ?, ?, ?, ?, ?)';
/** The slice: temp rows `from`..`to` of the move's order. */
const SLICE = 'from temp.tool_call_order where rowid between ? and ?';

/**
 * The statements of the stage and its moves (tool-call-staging.ts says how they fit). A move's
 * order is a temporary table (in memory, not logged): its rowids follow (timestamp, id).
 */
export function stagedMoveStatements(db: Db) {
  const sql = db.$client;
  sql.exec(`create temp table if not exists tool_call_order (id text, session_id text, tool_name text, duration_ms integer, status text, error_type text, timestamp integer)`);
  return {
    stage: sql.prepare(`insert into tool_call_stage (${COLUMNS}) values ${ROW}`),
    stageChunk: sql.prepare(`insert into tool_call_stage (${COLUMNS}) values ${Array<string>(STAGE_CHUNK).fill(ROW).join(', ')}`),
    count: sql.prepare('select count(*) from tool_call_stage').pluck(),
    bounds: sql.prepare('select min(seq), max(seq) from tool_call_stage').raw(),
    loadMove: sql.prepare(`select value from settings where key = '${MOVE_KEY}'`).pluck(),
    saveMove: sql.prepare(`insert into settings (key, value, updated_at) values ('${MOVE_KEY}', ?, ?) on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`),
    clearMove: sql.prepare(`delete from settings where key = '${MOVE_KEY}'`),
    clearOrder: sql.prepare('delete from temp.tool_call_order'),
    // The move's calls not yet moved (a saved move got as far as `after`), sorted once.
    order: sql.prepare(
      `insert into temp.tool_call_order (${COLUMNS}) select ${COLUMNS} from tool_call_stage ` +
        'where seq <= @upTo and (@ts is null or (timestamp, id) > (@ts, @id)) order by timestamp, id',
    ),
    orderBounds: sql.prepare('select min(rowid), max(rowid) from temp.tool_call_order').raw(),
    edge: sql.prepare('select timestamp, id from temp.tool_call_order where rowid = ?').raw(),
    tally: sql.prepare(
      'update sessions set tool_call_count = tool_call_count + s.n, last_activity_at = max(last_activity_at, s.at) ' +
        `from (select session_id as id, count(*) as n, max(timestamp) as at ${SLICE} group by session_id) s where sessions.id = s.id`,
    ),
    move: sql.prepare(`insert into tool_calls (${COLUMNS}) select ${COLUMNS} ${SLICE} order by rowid`),
    moveLive: sql.prepare(`insert into tool_calls (${COLUMNS}) select ${COLUMNS} ${SLICE} and session_id in (select id from sessions) order by rowid`),
    counted: sql.prepare(`update row_counts set rows = rows + ? where table_name = 'tool_calls'`),
    done: sql.prepare('delete from tool_call_stage where seq <= ?'),
  };
}
