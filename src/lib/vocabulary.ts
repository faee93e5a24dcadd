/**
 * The domain's closed sets of values, shared by the HTTP schemas, the services and every
 * storage engine (each engine's schema checks them too). The session type and status lists are
 * the exception: they come from the stored rows' schemas in src/db/row-types.ts.
 */
export const TOOL_CALL_STATUSES = ['success', 'error', 'timeout'] as const;
export const ROLES = ['read', 'ingest', 'admin'] as const;
export const AUDIT_ACTIONS = ['create', 'update', 'delete'] as const;
export const VACUUM_MODES = ['incremental', 'full', 'off'] as const;
export const RUN_TRIGGERS = ['manual', 'scheduled', 'cli'] as const;
export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;

export type ToolCallStatus = (typeof TOOL_CALL_STATUSES)[number];
export type Role = (typeof ROLES)[number];
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
export type VacuumMode = (typeof VACUUM_MODES)[number];
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export type RunStatus = (typeof RUN_STATUSES)[number];
