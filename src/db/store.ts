import type { Distribution } from '../lib/distribution.js';
import type { AuditAction, Role, RunStatus, RunTrigger, ToolCallStatus, VacuumMode } from '../lib/vocabulary.js';
import type { DevSessionStatus as SessionStatus, DevSessionType as SessionType } from './row-types.js';

/**
 * The storage port: everything the services need from a database, in the domain's words.
 * Types only. Every method is async, so an engine may be in-process (SQLite) or across a
 * network (PostgreSQL). An engine owns its transactions, caches, staging and upkeep: every read
 * returns what was committed before it, with nothing for a caller to flush or settle first.
 * Times are epoch milliseconds (UTC); ids are lower-case UUIDs unless said otherwise.
 */
export interface Store {
  readonly engine: 'sqlite' | 'postgresql';
  readonly profiles: ProfileStore;
  readonly sessions: SessionStore;
  readonly toolCalls: ToolCallStore;
  readonly productivityEvents: TelemetryStore<ProductivityEventRow, ProductivityEventFilter>;
  readonly featureUsage: TelemetryStore<FeatureUsageRow, FeatureUsageFilter>;
  readonly apiKeys: ApiKeyStore;
  readonly reports: ReportStore;
  readonly rollups: RollupStore;
  readonly retention: RetentionStore;
  /** Rows per table, sizes and the newest time per kind (GET /v1/stats); quick at any size. */
  stats(): Promise<StorageStats>;
  /** The engine's own work since it opened, for monitoring (GET /metrics): reads no table, moves nothing; cheap at every scrape. */
  engineStats(): Promise<EngineStats>;
  /** Why the store cannot serve now (disk full, database not answering), or null. */
  notReadyReason(): Promise<string | null>;
  /** Commits what waits, finishes upkeep and closes; the store is unusable after. */
  close(): Promise<void>;
}

/** A keyset page request: rows strictly after `after` in the list's order, at most `limit` of them. */
export type Keyset<K> = { after?: K; limit: number };
/** A profile named by id or by name (the service decides which a path segment is). */
export type ProfileRef = { id: number } | { name: string };

// ---------------------------------------------------------------- profiles

export type ProfileRow = { id: number; name: string; description: string | null; enabled: boolean; autoSave: boolean; debugMode: boolean; createdAt: number; updatedAt: number };
export type ProfileValues = Pick<ProfileRow, 'name' | 'description' | 'enabled' | 'autoSave' | 'debugMode'>;
export type AuditChanges = Record<string, { from: unknown; to: unknown }>;
export type AuditRow = { id: number; profileId: number; profileName: string; action: AuditAction; changes: AuditChanges; actor: string; at: number };
/** An audit entry to write with a change; `changes` sees the row as written. */
export type AuditInput = { actor: string; at: number; changes: (row: ProfileRow) => AuditChanges };
/** What an update writes, decided from the row as it is inside the store's transaction; null: nothing changes. */
export type ProfileEdit = { values: ProfileValues; updatedAt: number; audit: AuditInput } | null;

export interface ProfileStore {
  find(ref: ProfileRef): Promise<ProfileRow | undefined>;
  /** By name ascending, names after `after`. */
  list(query: { enabled?: boolean } & Keyset<string>): Promise<ProfileRow[]>;
  /** With its audit entry, in one transaction; NAME_TAKEN when another profile has the name. */
  create(values: ProfileValues, at: number, audit: AuditInput): Promise<ProfileRow | 'NAME_TAKEN'>;
  /** `edit` runs inside the transaction and may throw to abort it. */
  update(ref: ProfileRef, edit: (before: ProfileRow) => ProfileEdit): Promise<ProfileRow | 'NOT_FOUND' | 'NAME_TAKEN'>;
  /**
   * Deletes a profile with its audit entry; `decide` sees it and how many sessions it has, and
   * throws to refuse or says whether its sessions (and everything under them) go too.
   */
  remove(ref: ProfileRef, decide: (row: ProfileRow, sessions: number) => { cascade: boolean; audit: AuditInput }): Promise<ProfileRow | 'NOT_FOUND'>;
  /** A profile's history, newest first (ids below `after`). */
  audit(profileId: number, page: Keyset<number>): Promise<AuditRow[]>;
  /** The id of the most recently deleted profile with this id or (last) name. */
  deletedProfileId(ref: ProfileRef): Promise<number | undefined>;
}

// ---------------------------------------------------------------- sessions

export type SessionRow = {
  id: string;
  profileId: number | null;
  type: SessionType;
  status: SessionStatus;
  project: string | null;
  startedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  outputLines: number;
  errorCount: number;
  /** Always the number of its stored tool calls. */
  toolCallCount: number;
  updatedAt: number;
  /** Latest of startedAt, updatedAt and the times of everything recorded under it. */
  lastActivityAt: number;
};
export type NewSession = { id: string; profile: ProfileRef | null; type: SessionType; project: string | null; startedAt: number; at: number };
export type SessionChange = Pick<SessionRow, 'status' | 'exitCode' | 'outputLines' | 'errorCount' | 'endedAt' | 'updatedAt' | 'lastActivityAt'>;
export type SessionFilter = { profileId?: number; type?: SessionType; status?: SessionStatus; project?: string; from?: number; to?: number };

export interface SessionStore {
  find(id: string): Promise<SessionRow | undefined>;
  /** Newest first: startedAt desc, id desc; `after` is that pair. */
  list(query: SessionFilter & Keyset<[number, string]>): Promise<SessionRow[]>;
  /** Inserts unless the id exists (then answers the stored row and its would-be profile id, untouched). */
  create(input: NewSession): Promise<{ created: true; row: SessionRow } | { created: false; existing: SessionRow; profileId: number | null } | 'UNKNOWN_PROFILE'>;
  /** `change` runs inside the transaction and may throw to abort it. */
  update(id: string, change: (row: SessionRow) => SessionChange): Promise<SessionRow | 'NOT_FOUND'>;
  /** With its tool calls, events and usage (and their part of the rollups); false when there is no such session. */
  remove(id: string): Promise<boolean>;
}

// ---------------------------------------------------------------- telemetry

export type ToolCallRow = { id: string; sessionId: string; toolName: string; durationMs: number; status: ToolCallStatus; errorType: string | null; timestamp: number };
export type ProductivityEventRow = {
  id: string;
  sessionId: string;
  eventType: string;
  traditionalTimeEstimate: number;
  actualTimeTaken: number;
  timeSaved: number;
  improvementPercentage: number | null;
  /** JSON text of the client's object. */
  contextData: string | null;
  userSatisfaction: number | null;
  createdAt: number;
};
export type FeatureUsageRow = { id: string; sessionId: string; featureName: string; featureCategory: string; startedAt: number; completedAt: number | null; success: boolean | null; errorMessage: string | null };

/** A row to append: without an id the store makes one (UUID v7), which no stored row can have. */
export type Draft<Row extends { id: string }> = Omit<Row, 'id'> & { id?: string };

/**
 * allOrNothing: when any row names an unknown session, nothing is written. Otherwise the rows
 * of known sessions are stored. Either way `unknownSessions` lists the indexes of the rows
 * whose session is unknown. An id already stored, or repeated in `rows`, is a duplicate.
 * Answered after the commit; the sessions' counters and last activity move in it.
 */
export type AppendOptions = { allOrNothing: boolean };
export type AppendResult = { accepted: number; duplicates: number; unknownSessions: number[] };

export type ToolCallFilter = { session?: string; tool?: string; status?: ToolCallStatus; from?: number; to?: number };
export type ProductivityEventFilter = { session?: string; eventType?: string; from?: number; to?: number };
export type FeatureUsageFilter = { session?: string; feature?: string; from?: number; to?: number };

export interface TelemetryStore<Row extends { id: string }, Filter> {
  append(rows: Array<Draft<Row>>, options: AppendOptions): Promise<AppendResult>;
  /** Newest first on the row's time, id desc; `after` is that pair. */
  list(query: Filter & Keyset<[number, string]>): Promise<Row[]>;
}

/** A session an agent's telemetry names before anyone created it: created as an `agent` session (an unknown profile is left out). */
export type AgentSessionSeed = { id: string; project: string | null; profile: ProfileRef | null; startedAt: number };

export interface ToolCallStore extends TelemetryStore<ToolCallRow, ToolCallFilter> {
  append(rows: Array<Draft<ToolCallRow>>, options: AppendOptions & { agentSessions?: AgentSessionSeed[] }): Promise<AppendResult>;
  /** Every match oldest first (timestamp, id), in chunks read as the consumer asks: constant memory. */
  export(filter: ToolCallFilter): AsyncIterable<ToolCallRow[]>;
}

// ---------------------------------------------------------------- API keys

export type ApiKeyRow = { id: string; name: string; role: Role; prefix: string; hash: string; createdAt: number; lastUsedAt: number | null; expiresAt: number | null; revokedAt: number | null };

export interface ApiKeyStore {
  insert(row: ApiKeyRow): Promise<void>;
  /** The unrevoked key with this hash (expired or not), as of the latest commit by anyone. */
  activeByHash(hash: string): Promise<ApiKeyRow | undefined>;
  touch(id: string, at: number): Promise<void>;
  /** Newest first: createdAt desc, id desc. */
  list(page: Keyset<[number, string]>): Promise<ApiKeyRow[]>;
  revoke(id: string, at: number): Promise<'revoked' | 'already revoked' | 'NOT_FOUND'>;
  count(): Promise<number>;
}

// ---------------------------------------------------------------- reports

/** What every report is narrowed by; the service resolved the profile. */
export type ReportScope = { from: number; to: number; session?: string; profileId?: number; project?: string };
/** A local time bucket: [start, end) in UTC ms. */
export type TimeBucket = { start: number; end: number };

export type SessionsReportRow = {
  type: string;
  total: number;
  active: number;
  completed: number;
  failed: number;
  cancelled: number;
  successRate: number | null;
  avgDurationMinutes: number | null;
  p95DurationMinutes: number | null;
  errorCount: number;
  errorsPerSession: number | null;
  outputLines: number;
};
export type ToolsReportRow = {
  toolName: string;
  calls: number;
  errors: number;
  timeouts: number;
  errorRate: number | null;
  timeoutRate: number | null;
  avgDurationMs: number | null;
  p50DurationMs: number | null;
  p95DurationMs: number | null;
  p99DurationMs: number | null;
  maxDurationMs: number | null;
};
export type ToolsTimeseriesCell = { bucket: number; toolName: string; calls: number; errors: number; avgDurationMs: number | null; p95DurationMs: number | null };
/** Where the tool reports' figures came from: pre-aggregated rollups, or the raw rows (exact percentiles). */
export type ReportSource = 'rollup' | 'raw';
/** Sums per local period and event type, for the productivity report's averages and totals. */
export type ProductivityCell = { bucket: number; eventType: string; count: number; timeSaved: number; improvementSum: number; improvementCount: number };
export type FeaturesReportRow = { featureCategory: string; featureName: string; usageCount: number; uniqueSessions: number; successRate: number | null; avgDurationSeconds: number | null };
export type ProfilesReportRow = { profileId: number; name: string; sessions: number; successRate: number | null; totalMinutes: number; errorsPerSession: number | null; lastActiveAt: number | null };

export interface ReportStore {
  /** Per session type over the sessions started in the range; p95 nearest-rank over the ended ones. */
  sessions(scope: ReportScope): Promise<SessionsReportRow[]>;
  /** Per tool by calls descending (then name); percentiles exact from raw rows, within 1 % from rollups. */
  tools(scope: ReportScope & { tool?: string }): Promise<{ rows: ToolsReportRow[]; source: ReportSource }>;
  /** Per bucket and tool (by bucket, then tool name); empty buckets have no rows. */
  toolsTimeseries(scope: ReportScope & { tool?: string; buckets: TimeBucket[] }): Promise<{ rows: ToolsTimeseriesCell[]; source: ReportSource }>;
  /** Non-empty (bucket, event type) cells, by bucket then event type. */
  productivity(scope: ReportScope & { eventType?: string; buckets: TimeBucket[] }): Promise<ProductivityCell[]>;
  /** Per feature over the usages started in the range; most used first. */
  features(scope: ReportScope & { category?: string }): Promise<FeaturesReportRow[]>;
  /** Per profile with a session started in the range; most sessions first, then name. */
  profiles(scope: ReportScope): Promise<ProfilesReportRow[]>;
}

// ---------------------------------------------------------------- rollups (engine upkeep the operator may drive)

/** built: reports may read rollups; next/end: a backfill's cursor; layout: summary layout version; closedBefore: first open UTC day. */
export type RollupState = { built: boolean; next: number | null; end: number | null; layout: number; closedBefore: number | null };
export type RebuildResult = { slots: number; from: number | null; to: number | null; seconds: number };
export type ProgressReport = (done: number, total: number) => void;
/** signal stops it between slices; resume finishes an interrupted one; onSlice sees each slice (ms, slots), onProgress each day done. */
export type RebuildOptions = { signal?: AbortSignal; resume?: boolean; onSlice?: (elapsedMs: number, slots: number) => void; onProgress?: ProgressReport };

export interface RollupStore {
  state(): Promise<RollupState>;
  /** True once built but in an older summary layout (upgradeSummaries has work). */
  needsUpgrade(): Promise<boolean>;
  /** Builds (or, with resume, finishes) the rollups of every stored call, in slices that leave room for ingest. */
  rebuild(options?: RebuildOptions): Promise<RebuildResult>;
  upgradeSummaries(signal?: AbortSignal): Promise<{ days: number; seconds: number }>;
  /** Folds the longer summaries of the UTC days that ended a grace period ago. */
  closeDays(signal?: AbortSignal): Promise<{ days: number }>;
}

// ---------------------------------------------------------------- retention

export type ChildKind = 'toolCalls' | 'productivityEvents' | 'featureUsage';
export type RetentionCounts = { toolCalls: number; sessions: number; productivityEvents: number; featureUsage: number; staleSessionsClosed: number };
export type RetentionRunRow = {
  id: number;
  trigger: RunTrigger;
  dryRun: boolean;
  status: RunStatus;
  startedAt: number;
  finishedAt: number | null;
  counts: RetentionCounts;
  vacuumMode: VacuumMode;
  vacuumNote: string | null;
  bytesBefore: number | null;
  bytesAfter: number | null;
  error: string | null;
};
export type LeaseHolder = { holder: string; expiresAt: number };

/** How a run goes: who holds it, how to stop it, who watches each slice, what time it is. */
export type RunContext = { holder: string; signal: AbortSignal; now: () => number; onSlice?: (elapsedMs: number, processed: number) => void };

export interface RetentionStore {
  /** The stored policy document, or undefined before the first save. */
  policy(): Promise<Record<string, unknown> | undefined>;
  savePolicy(policy: object, at: number): Promise<void>;
  /** When the scheduler first ran against this database (recorded on first ask). */
  schedulerSince(now: number): Promise<number>;
  currentLease(now: number): Promise<LeaseHolder | null>;
  /**
   * Takes the one retention lease (free or expired) and records a running run; runs a dead
   * holder left `running` are closed as failed. null when someone else holds the lease.
   */
  openRun(run: { trigger: RunTrigger; dryRun: boolean; vacuumMode: VacuumMode; startedAt: number }, context: RunContext): Promise<RetentionRun | null>;
  run(id: number): Promise<RetentionRunRow | undefined>;
  lastRun(): Promise<RetentionRunRow | undefined>;
  lastScheduledStart(): Promise<number | null>;
  /** Newest first: startedAt desc, id desc. */
  listRuns(page: Keyset<[number, number]>): Promise<RetentionRunRow[]>;
}

/**
 * One run's steps. Each works in slices that keep the lease and leave room for ingest, stops
 * between two of them when the context's signal aborts (RunAbortedError) or the lease was lost
 * (LeaseLostError), and reports each committed slice to `tally`, so a run that fails half way
 * still knows what it did.
 */
export interface RetentionRun {
  readonly id: number;
  /** Rows of one kind older than cutoff (their sessions' counters follow). */
  deleteOlder(kind: ChildKind, cutoff: number, tally: (rows: number) => void): Promise<void>;
  /** Ended sessions whose last activity is before cutoff, with everything under them. */
  deleteEndedSessions(cutoff: number, tally: (deleted: Partial<RetentionCounts>) => void): Promise<void>;
  /** Active sessions idle since before cutoff become cancelled, ended at their last activity. */
  closeStale(cutoff: number, at: number, tally: (closed: number) => void): Promise<void>;
  /** What the three steps above would do now, changing nothing. */
  countExpired(cutoffs: Record<ChildKind | 'sessions' | 'stale', number>): Promise<RetentionCounts>;
  /** Rollups of whole UTC days that ended before cutoff; returns the rows deleted. */
  deleteExpiredRollups(cutoff: number): Promise<number>;
  /** After large deletes: refresh the planner's statistics. */
  analyze(): Promise<void>;
  /** Gives freed space back; returns a note for the record when something was skipped. */
  reclaimSpace(mode: VacuumMode): Promise<string | null>;
  /** Records the outcome and releases the lease (also after a failure). */
  finish(outcome: { status: Exclude<RunStatus, 'running'>; finishedAt: number; counts: RetentionCounts; note: string | null; error: string | null }): Promise<void>;
}

// ---------------------------------------------------------------- operations

export type StorageStats = {
  tables: { profiles: number; sessions: number; toolCalls: number; productivityEvents: number; featureUsage: number; apiKeys: number; retentionRuns: number };
  database: { databaseBytes: number; walBytes: number; freePages: number; pageSize: number };
  newest: { toolCall: number | null; session: number | null; productivityEvent: number | null; featureUsage: number | null };
};

/**
 * Counted by the engine as it works. commits: ingest's write transactions (SQLite: group
 * commits, each shared by the writes that waited together), with the rows each carried and how
 * long it held the write lock (succeeded ones). queued: writes waiting for the next commit now.
 * stagedToolCalls: committed calls not yet in their table (0 for an engine without a stage).
 * rollups: whether reports may read them, and the deltas appended but not yet folded into them
 * with the age of the oldest (every reader folds first, so this is upkeep backlog, never stale
 * figures). database: the file sizes of `stats()`, without its row counts.
 */
export type EngineStats = {
  commits: { succeeded: number; failed: number; rows: Distribution; seconds: Distribution };
  queued: { writes: number; rows: number };
  stagedToolCalls: number;
  rollups: { built: boolean; pendingBatches: number; lagSeconds: number };
  database: StorageStats['database'];
};
