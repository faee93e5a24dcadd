/**
 * GENERATED FILE, do not edit. Written by scripts/generate-client.ts (`npm run client:generate`)
 * with openapi-typescript from the committed openapi.yaml. After a route change run
 * `npm run openapi && npm run client:generate` and commit both; `npm run client:check`
 * (also a test in `npm test`) fails while this file is out of date.
 */

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness: 200 while the process runs */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/readyz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness: 200 when the database answers; 503 while starting, shutting down, or out of disk */
        get: operations["getReadiness"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List API keys (no secrets), newest first */
        get: operations["listApiKeys"];
        put?: never;
        /**
         * Create an API key (the key is returned once)
         * @description The key (`dfa_…`) is in this response and nowhere else: only its SHA-256 hash and a display prefix are stored. `expiresAt` must be in the future (a past time is a 400 VALIDATION_FAILED); unlike event times it may lie any distance ahead. The key name is recorded as the actor in audit entries.
         */
        post: operations["createApiKey"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key, effective immediately
         * @description The next request with the key is a 401. Revoking an already revoked key is a 204 too; an unknown id is a 404.
         */
        delete: operations["revokeApiKey"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/profiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List profiles by name ascending */
        get: operations["listProfiles"];
        put?: never;
        /**
         * Create a profile
         * @description Config fields default to enabled true, autoSave false, debugMode false. Writes a `create` audit entry.
         */
        post: operations["createProfile"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/profiles/{idOrName}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Get a profile by id or name
         * @description A path segment of digits only is an id (`/v1/profiles/3`), anything else a name (`/v1/profiles/node-dev`).
         */
        get: operations["getProfile"];
        put?: never;
        post?: never;
        /**
         * Delete a profile
         * @description A profile that sessions reference is a 409 PROFILE_HAS_SESSIONS, unless `?cascade=true`: then its sessions and everything under them are deleted with it in one transaction. Writes a `delete` audit entry; the history stays readable at `/v1/profiles/{idOrName}/audit`.
         */
        delete: operations["deleteProfile"];
        options?: never;
        head?: never;
        /**
         * Change a profile (partial)
         * @description Renaming to a taken name is a 409 PROFILE_NAME_TAKEN. Each change bumps `updatedAt` and writes an `update` audit entry listing the changed fields.
         */
        patch: operations["updateProfile"];
        trace?: never;
    };
    "/v1/profiles/{idOrName}/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Audit trail of a profile, newest first
         * @description Every create, update and delete, with the changed fields (`from`/`to`) and the name of the API key that made it. After a delete the trail stays readable by the profile's id, or by its last name until another profile takes that name.
         */
        get: operations["listProfileAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List sessions, newest first
         * @description Ordered by startedAt descending (id descending on ties). `from` is inclusive and `to` exclusive, both on startedAt.
         */
        get: operations["listSessions"];
        put?: never;
        /**
         * Start a session (idempotent on id)
         * @description 201 with the new session (status active). Retrying with the same `id` and fields answers 200 with the stored session; the same `id` with other fields is a 409 SESSION_ID_CONFLICT. An unknown `profile` is a 422 UNKNOWN_PROFILE.
         */
        post: operations["createSession"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get a session */
        get: operations["getSession"];
        put?: never;
        post?: never;
        /** Delete a session with its tool calls, productivity events and feature usage */
        delete: operations["deleteSession"];
        options?: never;
        head?: never;
        /**
         * Update or end a session
         * @description Counters are absolute values. A terminal status ends the session (`endedAt` defaults to now). Errors: 409 SESSION_ENDED (already ended), 422 INVALID_TIME_RANGE (endedAt before startedAt), 422 SESSION_NOT_ENDING (endedAt without a terminal status).
         */
        patch: operations["updateSession"];
        trace?: never;
    };
    "/v1/tool-calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * List tool calls, newest first
         * @description Ordered by timestamp descending (id descending on ties). `from` is inclusive and `to` exclusive, both on timestamp.
         */
        get: operations["listToolCalls"];
        put?: never;
        /**
         * Record one tool call or a batch
         * @description One tool call, or `{ "items": [ … ] }` of 1..DEVFLOW_MAX_BATCH. All-or-nothing by default: any invalid item is a 400 with paths like `/items/17/durationMs`, unknown session ids are a 422 UNKNOWN_SESSION listing them, and nothing is stored. With `?partial=true` the valid items are stored and each bad one is reported in `rejected` with its index. An `id` already stored or repeated in the batch counts as a duplicate, not an error, so retries are safe. Answered after the rows are committed; the session's toolCallCount moves in the same transaction.
         */
        post: operations["ingestToolCalls"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/tool-calls/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Export every matching tool call (NDJSON or CSV), oldest first
         * @description Streams every match in constant memory, ordered by timestamp then id. NDJSON (`application/x-ndjson`, one ToolCall per line) by default; CSV with `Accept: text/csv` or `?format=csv` (header row = the JSON field names, RFC 4180 quoting, text cells starting with = + - @ tab or CR prefixed with a single quote). No pagination: the response ends after the last row.
         */
        get: operations["exportToolCalls"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/productivity-events": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List productivity events, newest first */
        get: operations["listProductivityEvents"];
        put?: never;
        /**
         * Record productivity events (one, or { items } in a batch)
         * @description Same batch rules as tool calls: all-or-nothing by default (400 with paths like /items/3/actualTimeTaken, 422 UNKNOWN_SESSION), or ?partial=true to store the valid items and list the others in `rejected`. An id already stored or repeated counts as a duplicate. `timeSaved` and `improvementPercentage` are computed.
         */
        post: operations["ingestProductivityEvents"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/feature-usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List feature usage, newest first (by startedAt) */
        get: operations["listFeatureUsage"];
        put?: never;
        /**
         * Record feature usage (one, or { items } in a batch)
         * @description Same batch rules as tool calls: all-or-nothing by default (400 with paths like /items/3/featureName, 422 UNKNOWN_SESSION, 422 INVALID_TIME_RANGE when completedAt is before startedAt), or ?partial=true to store the valid items and list the others in `rejected`. An id already stored or repeated counts as a duplicate.
         */
        post: operations["ingestFeatureUsage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OTLP/HTTP logs receiver: Claude Code tool results become tool calls
         * @description Point an OpenTelemetry logs exporter here (OTEL_EXPORTER_OTLP_ENDPOINT = this server, protocol http/json or http/protobuf; `Content-Encoding: gzip` accepted, size limit checked after decompression). Answers per OTLP/HTTP: 200 `{}`, or 200 with `partialSuccess` counting the tool_result records that could not be stored (no session.id, no tool_name, unusable duration or time). An undecodable body is a 400. See GET /v1/setup/claude-code.
         */
        post: operations["ingestOtlpLogs"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OTLP/HTTP metrics: accepted and counted, not stored
         * @description So an agent that also exports metrics gets no errors. The request count shows in GET /v1/stats.
         */
        post: operations["ingestOtlpMetrics"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Sessions per type: counts by status, success rate, durations, errors
         * @description Sessions started in [from, to), one row per type that has any, ordered by type. JSON `{ from, to, rows }`, or CSV with `Accept: text/csv` or `?format=csv`. `from` defaults to `to` − 30 days, `to` to now.
         */
        get: operations["getSessionsReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/tools": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tool calls per tool: errors, timeouts, rates and exact latency percentiles
         * @description Tool calls with timestamp in [from, to), ordered by calls descending then toolName. Percentiles are nearest-rank (rank ⌈p/100 × n⌉ of the sorted durations): exact when source is raw, within 1 % when it is rollup. errors counts status error, timeouts status timeout. JSON `{ from, to, rows }`, or CSV with `Accept: text/csv` or `?format=csv`. `from` defaults to `to` − 30 days, `to` to now.
         */
        get: operations["getToolsReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/tools/timeseries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tool calls per local hour or day and tool
         * @description bucketStart is the UTC instant of the local start of the bucket in `tz`. An hour is a wall-clock hour of one UTC offset (the repeated hour of a fall-back night is two buckets). Only buckets with calls are listed, ordered by bucketStart then toolName. JSON `{ from, to, rows }`, or CSV with `Accept: text/csv` or `?format=csv`. `from` defaults to `to` − 30 days, `to` to now.
         */
        get: operations["getToolsTimeseriesReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/productivity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Time saved per local day, ISO week or month and event type, with totals
         * @description The productivity_summary figures per period in `tz` (weeks start on Monday). period is the UTC instant of the local start of the period. Times are in seconds, avgImprovement in percent. totals (JSON only) cover every matching event. JSON `{ from, to, rows }`, or CSV with `Accept: text/csv` or `?format=csv`. `from` defaults to `to` − 30 days, `to` to now.
         */
        get: operations["getProductivityReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/features": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Feature adoption: usage, unique sessions, success rate, duration
         * @description Feature usage started in [from, to), ordered by usageCount descending, then category and name. JSON `{ from, to, rows }`, or CSV with `Accept: text/csv` or `?format=csv`. `from` defaults to `to` − 30 days, `to` to now.
         */
        get: operations["getFeaturesReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/reports/profiles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Profile effectiveness: sessions, success rate, time, errors
         * @description Profiles with at least one session started in [from, to), by sessions descending then name. JSON `{ from, to, rows }`, or CSV with `Accept: text/csv` or `?format=csv`. `from` defaults to `to` − 30 days, `to` to now.
         */
        get: operations["getProfilesReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/stats": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Service statistics
         * @description Rows per table, database and WAL file sizes and free pages, the newest event time per kind, ingest counters since this process started (accepted, duplicates, rejected, OTLP records by event name) and the most recent retention run.
         */
        get: operations["getStats"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/retention/policy": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Get the retention policy (defaults until one is saved) */
        get: operations["getRetentionPolicy"];
        /**
         * Replace the retention policy
         * @description Every field is required. A new schedule takes effect at once, without restart. An invalid cron expression is a 400 with the path /schedule.
         */
        put: operations["replaceRetentionPolicy"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/retention/run": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Run retention now (or count what it would do with ?dryRun=true)
         * @description Deletes in small time-bounded batches so ingest keeps flowing, then reclaims space per the policy's vacuum mode. Answers when the run is finished; the route takes no body (a body other than `{}` is a 400). 409 RETENTION_RUNNING while another run holds the lease, in this or another process on the same database file.
         */
        post: operations["runRetention"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/retention/runs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Run history (scheduled, manual and CLI; failures with their error), newest first */
        get: operations["listRetentionRuns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/setup/claude-code": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Environment that points Claude Code at this server (OTLP logs)
         * @description The exact variables (as `env`, as `export` lines in `shell`, and as the `settingsJson` block for ~/.claude/settings.json). OTEL_EXPORTER_OTLP_ENDPOINT is this server as reached by this request (scheme + Host header). The key is a placeholder: create an ingest key with POST /v1/api-keys. `optionalEnv` tags sessions with a project/profile and adds MCP tool details.
         */
        get: operations["getClaudeCodeSetup"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /**
         * Problem
         * @description RFC 9457 problem details (application/problem+json)
         */
        Problem: {
            /**
             * @description URI identifying the problem type
             * @example https://devflow.dev/problems/validation-failed
             */
            type: string;
            /**
             * @description short summary of the HTTP status
             * @example Bad Request
             */
            title: string;
            /** @example 400 */
            status: number;
            /** @example body/durationMs must be >= 0 */
            detail: string;
            /**
             * @description stable UPPER_SNAKE identifier to branch on
             * @example VALIDATION_FAILED
             */
            code: string;
            errors?: {
                /**
                 * @description JSON pointer into the request
                 * @example /items/17/durationMs
                 */
                path: string;
                /** @example must be >= 0 */
                message: string;
            }[];
        };
        /** ApiKey */
        ApiKey: {
            /**
             * Format: uuid
             * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
             */
            id: string;
            /** @example ci-runner */
            name: string;
            /**
             * @description read: every GET except keys and retention; ingest: telemetry writes only; admin: everything
             * @example ingest
             */
            role: "read" | "ingest" | "admin";
            /**
             * @description first characters of the key, to recognise it
             * @example dfa_Xk3v9q
             */
            prefix: string;
            /**
             * Format: date-time
             * @example 2026-11-23T03:16:21.123Z
             */
            createdAt: string;
            lastUsedAt: string | null;
            expiresAt: string | null;
            revokedAt: string | null;
        };
        /** Profile */
        Profile: {
            /**
             * @description server-assigned, stable
             * @example 1
             */
            id: number;
            /**
             * @description unique; 1–64 chars of a-z 0-9 . _ -, starting with a letter or digit, not all digits
             * @example node-dev
             */
            name: string;
            description: string | null;
            /** ProfileConfig */
            config: {
                /**
                 * @description whether tools should use this profile
                 * @example true
                 */
                enabled: boolean;
                /** @example false */
                autoSave: boolean;
                /** @example false */
                debugMode: boolean;
            };
            /**
             * Format: date-time
             * @example 2026-11-23T03:16:21.123Z
             */
            createdAt: string;
            /**
             * Format: date-time
             * @description changes on every PATCH that changes something
             * @example 2026-11-23T03:16:21.123Z
             */
            updatedAt: string;
        };
        /** ProfileAuditEntry */
        ProfileAuditEntry: {
            /** @example 3 */
            id: number;
            /** @example update */
            action: "create" | "update" | "delete";
            /**
             * @description One key per changed field: `name`, `description`, and config fields flattened as `config.enabled`, `config.autoSave`, `config.debugMode`. create lists every field from null; delete lists every field to null; update lists only fields whose value changed.
             * @example {
             *       "config.debugMode": {
             *         "from": false,
             *         "to": true
             *       }
             *     }
             */
            changes: {
                [key: string]: {
                    /** @description value before (null on create) */
                    from: unknown;
                    /** @description value after (null on delete) */
                    to: unknown;
                };
            };
            /**
             * @description name of the API key that made the change
             * @example ci-admin
             */
            actor: string;
            /**
             * Format: date-time
             * @example 2026-11-23T03:16:21.123Z
             */
            at: string;
        };
        /** Session */
        Session: {
            /**
             * Format: uuid
             * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
             */
            id: string;
            profileId: number | null;
            /**
             * @description kind of development operation
             * @example test
             * @enum {string}
             */
            type: "repl" | "profile" | "test" | "watch" | "lint" | "typecheck" | "mcp" | "agent";
            /**
             * @description active until ended; completed, failed and cancelled are final
             * @example active
             * @enum {string}
             */
            status: "active" | "completed" | "failed" | "cancelled";
            project: string | null;
            /**
             * Format: date-time
             * @example 2026-11-23T03:16:21.123Z
             */
            startedAt: string;
            endedAt: string | null;
            durationMs: number | null;
            exitCode: number | null;
            /** @description lines of output */
            outputLines: number;
            /** @description errors reported */
            errorCount: number;
            /** @description number of stored tool calls of the session (kept exact by ingest) */
            toolCallCount: number;
        };
        /** ToolCall */
        ToolCall: {
            /**
             * Format: uuid
             * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
             */
            id: string;
            /**
             * Format: uuid
             * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
             */
            sessionId: string;
            /**
             * @description tool name as the agent knows it (MCP tools: server/tool)
             * @example Read
             */
            toolName: string;
            /** @description how long the call took, milliseconds */
            durationMs: number;
            /**
             * @description outcome of the call
             * @example success
             */
            status: "success" | "error" | "timeout";
            errorType: string | null;
            /**
             * Format: date-time
             * @description when the call happened
             * @example 2026-11-23T03:16:21.123Z
             */
            timestamp: string;
        };
        /** ProductivityEvent */
        ProductivityEvent: {
            /**
             * Format: uuid
             * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
             */
            id: string;
            /**
             * Format: uuid
             * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
             */
            sessionId: string;
            /**
             * @description what was done, free text
             * @example code_generation
             */
            eventType: string;
            /**
             * @description seconds, 0..2^53 − 1: how long it would have taken without the tool
             * @example 1800
             */
            traditionalTimeEstimate: number;
            /**
             * @description seconds, 0..2^53 − 1: how long it took
             * @example 600
             */
            actualTimeTaken: number;
            /**
             * @description seconds, traditionalTimeEstimate − actualTimeTaken (negative when slower); computed
             * @example 1200
             */
            timeSaved: number;
            improvementPercentage: number | null;
            contextData: {
                [key: string]: unknown;
            } | null;
            userSatisfaction: number | null;
            /**
             * Format: date-time
             * @example 2026-11-23T03:16:21.123Z
             */
            createdAt: string;
        };
        /** FeatureUsage */
        FeatureUsage: {
            /**
             * Format: uuid
             * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
             */
            id: string;
            /**
             * Format: uuid
             * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
             */
            sessionId: string;
            /**
             * @description the feature used
             * @example auto-refactor
             */
            featureName: string;
            /**
             * @description its group
             * @example editing
             */
            featureCategory: string;
            /**
             * Format: date-time
             * @example 2026-11-23T03:16:21.123Z
             */
            startedAt: string;
            completedAt: string | null;
            success: boolean | null;
            errorMessage: string | null;
        };
        /** RetentionRun */
        RetentionRun: {
            /** @example 42 */
            id: number;
            trigger: "manual" | "scheduled" | "cli";
            dryRun: boolean;
            status: "running" | "succeeded" | "failed";
            /**
             * Format: date-time
             * @example 2026-11-23T03:16:21.123Z
             */
            startedAt: string;
            finishedAt: string | null;
            durationMs: number | null;
            /** @description rows deleted (for a dry run: rows the run would delete now) */
            deleted: {
                /** @description tool calls deleted, including those under deleted sessions */
                toolCalls: number;
                /** @description ended sessions deleted */
                sessions: number;
                /** @description productivity events deleted, including those under deleted sessions */
                productivityEvents: number;
                /** @description feature usage records deleted, including those under deleted sessions */
                featureUsage: number;
            };
            /** @description active sessions set to cancelled (dry run: would be) */
            staleSessionsClosed: number;
            vacuum: {
                /**
                 * @description incremental: return freed pages to the file system in small steps, then truncate the WAL; full: VACUUM (rewrites the file; blocks writes while it runs; skipped when free disk is less than the database size); off: nothing
                 * @example incremental
                 */
                mode: "incremental" | "full" | "off";
                /** @description database size (page_count × page_size) when the run started */
                bytesBefore: number;
                /** @description database size when the run finished; null while running */
                bytesAfter: number | null;
                /** @description why space reclamation was skipped or limited, if it was */
                note: string | null;
            };
            /** @description why the run failed; null otherwise */
            error: string | null;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example ok */
                        status: string;
                    };
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getReadiness: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example ok */
                        status: string;
                    };
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_READY: starting, shutting down, or the database cannot serve (out of disk); retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listApiKeys: {
        parameters: {
            query?: {
                /** @description page size, 1..500 */
                limit?: number;
                /** @description opaque cursor from the previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ApiKey"][];
                        /** @description pass as ?cursor= for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /** @example ci-runner */
                    name: string;
                    /**
                     * @description read: every GET except keys and retention; ingest: telemetry writes only; admin: everything
                     * @example ingest
                     */
                    role: "read" | "ingest" | "admin";
                    /**
                     * @description when the key stops working: RFC 3339 with offset, or epoch milliseconds; must be in the future (any distance ahead)
                     * @example 2027-01-31T00:00:00Z
                     */
                    expiresAt?: string | number;
                };
            };
        };
        responses: {
            /** @description Default Response */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        id: string;
                        /** @example ci-runner */
                        name: string;
                        /**
                         * @description read: every GET except keys and retention; ingest: telemetry writes only; admin: everything
                         * @example ingest
                         */
                        role: "read" | "ingest" | "admin";
                        /**
                         * @description first characters of the key, to recognise it
                         * @example dfa_Xk3v9q
                         */
                        prefix: string;
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        createdAt: string;
                        lastUsedAt: string | null;
                        expiresAt: string | null;
                        revokedAt: string | null;
                        /**
                         * @description the key in clear: shown once, store it now
                         * @example dfa_Xk3v9q…
                         */
                        key: string;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    revokeApiKey: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description revoked */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_FOUND: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description URI_TOO_LONG: a path segment is over 200 characters */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: this route takes no body */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProfiles: {
        parameters: {
            query?: {
                /** @description only enabled (true) or disabled (false) profiles */
                enabled?: boolean;
                /** @description page size, 1..500 */
                limit?: number;
                /** @description opaque cursor from the previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of profiles; pass nextCursor as ?cursor= for the next */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Profile"][];
                        /** @description pass as ?cursor= for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createProfile: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Unknown properties are rejected (400). A taken name is a 409 PROFILE_NAME_TAKEN. */
        requestBody: {
            content: {
                /**
                 * @example {
                 *       "name": "node-dev",
                 *       "description": "Node 20 with watch mode",
                 *       "config": {
                 *         "autoSave": true
                 *       }
                 *     }
                 */
                "application/json": {
                    /**
                     * @description unique; 1–64 chars of a-z 0-9 . _ -, starting with a letter or digit, not all digits
                     * @example node-dev
                     */
                    name: string;
                    description?: string | null;
                    config?: {
                        /** @description default true */
                        enabled?: boolean;
                        /** @description default false */
                        autoSave?: boolean;
                        /** @description default false */
                        debugMode?: boolean;
                    };
                };
            };
        };
        responses: {
            /** @description the created profile */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description server-assigned, stable
                         * @example 1
                         */
                        id: number;
                        /**
                         * @description unique; 1–64 chars of a-z 0-9 . _ -, starting with a letter or digit, not all digits
                         * @example node-dev
                         */
                        name: string;
                        description: string | null;
                        /** ProfileConfig */
                        config: {
                            /**
                             * @description whether tools should use this profile
                             * @example true
                             */
                            enabled: boolean;
                            /** @example false */
                            autoSave: boolean;
                            /** @example false */
                            debugMode: boolean;
                        };
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        createdAt: string;
                        /**
                         * Format: date-time
                         * @description changes on every PATCH that changes something
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        updatedAt: string;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state; `code` says which */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProfile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description all digits = the profile id, otherwise its name */
                idOrName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the profile */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description server-assigned, stable
                         * @example 1
                         */
                        id: number;
                        /**
                         * @description unique; 1–64 chars of a-z 0-9 . _ -, starting with a letter or digit, not all digits
                         * @example node-dev
                         */
                        name: string;
                        description: string | null;
                        /** ProfileConfig */
                        config: {
                            /**
                             * @description whether tools should use this profile
                             * @example true
                             */
                            enabled: boolean;
                            /** @example false */
                            autoSave: boolean;
                            /** @example false */
                            debugMode: boolean;
                        };
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        createdAt: string;
                        /**
                         * Format: date-time
                         * @description changes on every PATCH that changes something
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        updatedAt: string;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_FOUND: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description URI_TOO_LONG: a path segment is over 200 characters */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteProfile: {
        parameters: {
            query?: {
                /** @description also delete the profile's sessions and everything under them (tool calls, productivity events, feature usage), in one transaction */
                cascade?: boolean;
            };
            header?: never;
            path: {
                /** @description all digits = the profile id, otherwise its name */
                idOrName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_FOUND: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state; `code` says which */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description URI_TOO_LONG: a path segment is over 200 characters */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: this route takes no body */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateProfile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description all digits = the profile id, otherwise its name */
                idOrName: string;
            };
            cookie?: never;
        };
        /** @description Partial update: only the fields given change; `config` fields are merged one by one. An empty body (or empty `config`) is a 400. A change bumps `updatedAt` and writes one audit entry; a PATCH that changes nothing writes no audit entry. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description rename; 409 PROFILE_NAME_TAKEN if another profile has it
                     * @example node-dev
                     */
                    name?: string;
                    description?: string | null;
                    config?: {
                        enabled?: boolean;
                        autoSave?: boolean;
                        debugMode?: boolean;
                    };
                };
            };
        };
        responses: {
            /** @description the profile after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description server-assigned, stable
                         * @example 1
                         */
                        id: number;
                        /**
                         * @description unique; 1–64 chars of a-z 0-9 . _ -, starting with a letter or digit, not all digits
                         * @example node-dev
                         */
                        name: string;
                        description: string | null;
                        /** ProfileConfig */
                        config: {
                            /**
                             * @description whether tools should use this profile
                             * @example true
                             */
                            enabled: boolean;
                            /** @example false */
                            autoSave: boolean;
                            /** @example false */
                            debugMode: boolean;
                        };
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        createdAt: string;
                        /**
                         * Format: date-time
                         * @description changes on every PATCH that changes something
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        updatedAt: string;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_FOUND: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state; `code` says which */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description URI_TOO_LONG: a path segment is over 200 characters */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProfileAudit: {
        parameters: {
            query?: {
                /** @description page size, 1..500 */
                limit?: number;
                /** @description opaque cursor from the previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path: {
                /** @description all digits = the profile id, otherwise its name */
                idOrName: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of audit entries, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ProfileAuditEntry"][];
                        /** @description pass as ?cursor= for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_FOUND: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description URI_TOO_LONG: a path segment is over 200 characters */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listSessions: {
        parameters: {
            query?: {
                /** @description profile id or name; an unknown profile gives an empty list */
                profile?: string;
                /** @description kind of development operation */
                type?: "repl" | "profile" | "test" | "watch" | "lint" | "typecheck" | "mcp" | "agent";
                /** @description active until ended; completed, failed and cancelled are final */
                status?: "active" | "completed" | "failed" | "cancelled";
                /** @description exact project */
                project?: string;
                /** @description startedAt at or after (RFC 3339 or epoch ms) */
                from?: string;
                /** @description startedAt before (RFC 3339 or epoch ms) */
                to?: string;
                /** @description page size, 1..500 */
                limit?: number;
                /** @description opaque cursor from the previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description a page of sessions; pass nextCursor as ?cursor= for the next */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["Session"][];
                        /** @description pass as ?cursor= for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    createSession: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Idempotent on `id`: sending an id that is already stored with the same profile, type, project (and startedAt when given) answers 200 with the stored session; the same id with different values is a 409 SESSION_ID_CONFLICT. A null profile or project is the same as leaving it out. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description client-chosen id (any case; stored lower case) makes the create idempotent; otherwise the server makes a UUID v7
                     * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                     */
                    id?: string;
                    profile?: (number | string) | null;
                    /**
                     * @description kind of development operation
                     * @example test
                     * @enum {string}
                     */
                    type: "repl" | "profile" | "test" | "watch" | "lint" | "typecheck" | "mcp" | "agent";
                    project?: string | null;
                    /**
                     * @description default: now; at most 24 h in the future
                     * @example 2026-11-23T03:16:21.123Z
                     */
                    startedAt?: string | number;
                };
            };
        };
        responses: {
            /** @description already stored with the same fields (idempotent retry) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        id: string;
                        profileId: number | null;
                        /**
                         * @description kind of development operation
                         * @example test
                         * @enum {string}
                         */
                        type: "repl" | "profile" | "test" | "watch" | "lint" | "typecheck" | "mcp" | "agent";
                        /**
                         * @description active until ended; completed, failed and cancelled are final
                         * @example active
                         * @enum {string}
                         */
                        status: "active" | "completed" | "failed" | "cancelled";
                        project: string | null;
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        startedAt: string;
                        endedAt: string | null;
                        durationMs: number | null;
                        exitCode: number | null;
                        /** @description lines of output */
                        outputLines: number;
                        /** @description errors reported */
                        errorCount: number;
                        /** @description number of stored tool calls of the session (kept exact by ingest) */
                        toolCallCount: number;
                    };
                };
            };
            /** @description created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        id: string;
                        profileId: number | null;
                        /**
                         * @description kind of development operation
                         * @example test
                         * @enum {string}
                         */
                        type: "repl" | "profile" | "test" | "watch" | "lint" | "typecheck" | "mcp" | "agent";
                        /**
                         * @description active until ended; completed, failed and cancelled are final
                         * @example active
                         * @enum {string}
                         */
                        status: "active" | "completed" | "failed" | "cancelled";
                        project: string | null;
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        startedAt: string;
                        endedAt: string | null;
                        durationMs: number | null;
                        exitCode: number | null;
                        /** @description lines of output */
                        outputLines: number;
                        /** @description errors reported */
                        errorCount: number;
                        /** @description number of stored tool calls of the session (kept exact by ingest) */
                        toolCallCount: number;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state; `code` says which */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Well-formed but impossible (a reference to something unknown, a time range that ends before it starts); `code` says which */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the session */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        id: string;
                        profileId: number | null;
                        /**
                         * @description kind of development operation
                         * @example test
                         * @enum {string}
                         */
                        type: "repl" | "profile" | "test" | "watch" | "lint" | "typecheck" | "mcp" | "agent";
                        /**
                         * @description active until ended; completed, failed and cancelled are final
                         * @example active
                         * @enum {string}
                         */
                        status: "active" | "completed" | "failed" | "cancelled";
                        project: string | null;
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        startedAt: string;
                        endedAt: string | null;
                        durationMs: number | null;
                        exitCode: number | null;
                        /** @description lines of output */
                        outputLines: number;
                        /** @description errors reported */
                        errorCount: number;
                        /** @description number of stored tool calls of the session (kept exact by ingest) */
                        toolCallCount: number;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_FOUND: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description URI_TOO_LONG: a path segment is over 200 characters */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    deleteSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description deleted */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_FOUND: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description URI_TOO_LONG: a path segment is over 200 characters */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: this route takes no body */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    updateSession: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        /** @description Status completed, failed or cancelled ends the session; `endedAt` defaults to now (or startedAt, if that is later). An ended session is immutable: any PATCH is a 409 SESSION_ENDED. An empty body is a 400. */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description active until ended; completed, failed and cancelled are final
                     * @example active
                     * @enum {string}
                     */
                    status?: "active" | "completed" | "failed" | "cancelled";
                    /** @description process exit code, may be negative */
                    exitCode?: number;
                    /**
                     * @description when it ended; only together with status completed, failed or cancelled (else 422 SESSION_NOT_ENDING); not before startedAt (else 422 INVALID_TIME_RANGE); at most 24 h in the future
                     * @example 2026-11-23T03:16:21.123Z
                     */
                    endedAt?: string | number;
                    /** @description absolute value, replaces the stored one (not an increment) */
                    outputLines?: number;
                    /** @description absolute value, replaces the stored one (not an increment) */
                    errorCount?: number;
                };
            };
        };
        responses: {
            /** @description the session after the change */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: uuid
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        id: string;
                        profileId: number | null;
                        /**
                         * @description kind of development operation
                         * @example test
                         * @enum {string}
                         */
                        type: "repl" | "profile" | "test" | "watch" | "lint" | "typecheck" | "mcp" | "agent";
                        /**
                         * @description active until ended; completed, failed and cancelled are final
                         * @example active
                         * @enum {string}
                         */
                        status: "active" | "completed" | "failed" | "cancelled";
                        project: string | null;
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        startedAt: string;
                        endedAt: string | null;
                        durationMs: number | null;
                        exitCode: number | null;
                        /** @description lines of output */
                        outputLines: number;
                        /** @description errors reported */
                        errorCount: number;
                        /** @description number of stored tool calls of the session (kept exact by ingest) */
                        toolCallCount: number;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description NOT_FOUND: no such resource */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state; `code` says which */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description URI_TOO_LONG: a path segment is over 200 characters */
            414: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Well-formed but impossible (a reference to something unknown, a time range that ends before it starts); `code` says which */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listToolCalls: {
        parameters: {
            query?: {
                /** @description only this session */
                session?: string;
                /** @description exact tool name */
                tool?: string;
                /** @description outcome of the call */
                status?: "success" | "error" | "timeout";
                /** @description timestamp at or after (RFC 3339 or epoch ms) */
                from?: string;
                /** @description timestamp before (RFC 3339 or epoch ms) */
                to?: string;
                /** @description page size, 1..500 */
                limit?: number;
                /** @description opaque cursor from the previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ToolCall"][];
                        /** @description pass as ?cursor= for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ingestToolCalls: {
        parameters: {
            query?: {
                /** @description true: store the valid items and report each bad one in `rejected` (200); false: any bad item fails the whole request and nothing is stored */
                partial?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description one ToolCallInput object, or { items: [ … ] } with 1..1000 of them */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description client-chosen id (any case; stored lower case): a retry with the same id is a duplicate, not a second row. Default: a server-made UUID v7
                     * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                     */
                    id?: string;
                    /**
                     * Format: uuid
                     * @description an existing session (any case)
                     * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                     */
                    sessionId: string;
                    /**
                     * @description tool name as the agent knows it (MCP tools: server/tool)
                     * @example Read
                     */
                    toolName: string;
                    /** @description how long the call took, milliseconds */
                    durationMs: number;
                    /**
                     * @description outcome of the call
                     * @example success
                     */
                    status: "success" | "error" | "timeout";
                    errorType?: string | null;
                    /**
                     * @description when the call happened; default: now; at most 24 h in the future
                     * @example 2026-11-23T03:16:21.123Z
                     */
                    timestamp?: string | number;
                } | {
                    items: {
                        /**
                         * Format: uuid
                         * @description client-chosen id (any case; stored lower case): a retry with the same id is a duplicate, not a second row. Default: a server-made UUID v7
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        id?: string;
                        /**
                         * Format: uuid
                         * @description an existing session (any case)
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        sessionId: string;
                        /**
                         * @description tool name as the agent knows it (MCP tools: server/tool)
                         * @example Read
                         */
                        toolName: string;
                        /** @description how long the call took, milliseconds */
                        durationMs: number;
                        /**
                         * @description outcome of the call
                         * @example success
                         */
                        status: "success" | "error" | "timeout";
                        errorType?: string | null;
                        /**
                         * @description when the call happened; default: now; at most 24 h in the future
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        timestamp?: string | number;
                    }[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description items stored by this request */
                        accepted: number;
                        /** @description items whose id was already stored or repeated in the batch */
                        duplicates: number;
                        /** @description only with ?partial=true: items not stored, with the reason */
                        rejected: {
                            index: number;
                            code: string;
                            errors: {
                                path: string;
                                message: string;
                            }[];
                        }[];
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Well-formed but impossible (a reference to something unknown, a time range that ends before it starts); `code` says which */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    exportToolCalls: {
        parameters: {
            query?: {
                /** @description only this session */
                session?: string;
                /** @description exact tool name */
                tool?: string;
                /** @description outcome of the call */
                status?: "success" | "error" | "timeout";
                /** @description timestamp at or after (RFC 3339 or epoch ms) */
                from?: string;
                /** @description timestamp before (RFC 3339 or epoch ms) */
                to?: string;
                /** @description overrides the Accept header: ndjson (application/x-ndjson) or csv (text/csv) */
                format?: "ndjson" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description NDJSON: one ToolCall JSON object per line; CSV: header row then one row per tool call */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/x-ndjson": string;
                    "text/csv": string;
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listProductivityEvents: {
        parameters: {
            query?: {
                /** @description only this session */
                session?: string;
                /** @description what was done, free text */
                eventType?: string;
                /** @description createdAt at or after (RFC 3339 or epoch ms) */
                from?: string;
                /** @description createdAt before (RFC 3339 or epoch ms) */
                to?: string;
                /** @description page size, 1..500 */
                limit?: number;
                /** @description opaque cursor from the previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["ProductivityEvent"][];
                        /** @description pass as ?cursor= for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ingestProductivityEvents: {
        parameters: {
            query?: {
                /** @description store the valid items and report each bad one in `rejected` (200) instead of failing the whole batch */
                partial?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description one ProductivityEventInput object, or { items: [ … ] } with 1..1000 of them */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description client-chosen id makes retries safe (a stored id counts as a duplicate); otherwise the server makes a UUID v7
                     * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                     */
                    id?: string;
                    /**
                     * Format: uuid
                     * @description an existing session (else 422 UNKNOWN_SESSION)
                     * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                     */
                    sessionId: string;
                    /**
                     * @description what was done, free text
                     * @example code_generation
                     */
                    eventType: string;
                    /**
                     * @description seconds, 0..2^53 − 1: how long it would have taken without the tool
                     * @example 1800
                     */
                    traditionalTimeEstimate: number;
                    /**
                     * @description seconds, 0..2^53 − 1: how long it took
                     * @example 600
                     */
                    actualTimeTaken: number;
                    contextData?: {
                        [key: string]: unknown;
                    } | null;
                    userSatisfaction?: number | null;
                    /**
                     * @description when it happened; default now; at most 24 h in the future
                     * @example 2026-11-23T03:16:21.123Z
                     */
                    createdAt?: string | number;
                } | {
                    items: {
                        /**
                         * Format: uuid
                         * @description client-chosen id makes retries safe (a stored id counts as a duplicate); otherwise the server makes a UUID v7
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        id?: string;
                        /**
                         * Format: uuid
                         * @description an existing session (else 422 UNKNOWN_SESSION)
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        sessionId: string;
                        /**
                         * @description what was done, free text
                         * @example code_generation
                         */
                        eventType: string;
                        /**
                         * @description seconds, 0..2^53 − 1: how long it would have taken without the tool
                         * @example 1800
                         */
                        traditionalTimeEstimate: number;
                        /**
                         * @description seconds, 0..2^53 − 1: how long it took
                         * @example 600
                         */
                        actualTimeTaken: number;
                        contextData?: {
                            [key: string]: unknown;
                        } | null;
                        userSatisfaction?: number | null;
                        /**
                         * @description when it happened; default now; at most 24 h in the future
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        createdAt?: string | number;
                    }[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description items stored by this request */
                        accepted: number;
                        /** @description items whose id was already stored or repeated in the batch */
                        duplicates: number;
                        /** @description only with ?partial=true: items not stored, with the reason */
                        rejected: {
                            index: number;
                            code: string;
                            errors: {
                                path: string;
                                message: string;
                            }[];
                        }[];
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Well-formed but impossible (a reference to something unknown, a time range that ends before it starts); `code` says which */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listFeatureUsage: {
        parameters: {
            query?: {
                /** @description only this session */
                session?: string;
                /** @description exact featureName */
                feature?: string;
                /** @description startedAt at or after (RFC 3339 or epoch ms) */
                from?: string;
                /** @description startedAt before (RFC 3339 or epoch ms) */
                to?: string;
                /** @description page size, 1..500 */
                limit?: number;
                /** @description opaque cursor from the previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["FeatureUsage"][];
                        /** @description pass as ?cursor= for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ingestFeatureUsage: {
        parameters: {
            query?: {
                /** @description store the valid items and report each bad one in `rejected` (200) instead of failing the whole batch */
                partial?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description one FeatureUsageInput object, or { items: [ … ] } with 1..1000 of them */
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * Format: uuid
                     * @description client-chosen id makes retries safe (a stored id counts as a duplicate); otherwise the server makes a UUID v7
                     * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                     */
                    id?: string;
                    /**
                     * Format: uuid
                     * @description an existing session (else 422 UNKNOWN_SESSION)
                     * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                     */
                    sessionId: string;
                    /**
                     * @description the feature used
                     * @example auto-refactor
                     */
                    featureName: string;
                    /**
                     * @description its group
                     * @example editing
                     */
                    featureCategory: string;
                    /**
                     * @description default now; at most 24 h in the future
                     * @example 2026-11-23T03:16:21.123Z
                     */
                    startedAt?: string | number;
                    completedAt?: (string | number) | null;
                    success?: boolean | null;
                    errorMessage?: string | null;
                } | {
                    items: {
                        /**
                         * Format: uuid
                         * @description client-chosen id makes retries safe (a stored id counts as a duplicate); otherwise the server makes a UUID v7
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        id?: string;
                        /**
                         * Format: uuid
                         * @description an existing session (else 422 UNKNOWN_SESSION)
                         * @example 0193a0b2-7c1e-7d7a-9f6e-3c2b1a0f9e8d
                         */
                        sessionId: string;
                        /**
                         * @description the feature used
                         * @example auto-refactor
                         */
                        featureName: string;
                        /**
                         * @description its group
                         * @example editing
                         */
                        featureCategory: string;
                        /**
                         * @description default now; at most 24 h in the future
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        startedAt?: string | number;
                        completedAt?: (string | number) | null;
                        success?: boolean | null;
                        errorMessage?: string | null;
                    }[];
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description items stored by this request */
                        accepted: number;
                        /** @description items whose id was already stored or repeated in the batch */
                        duplicates: number;
                        /** @description only with ?partial=true: items not stored, with the reason */
                        rejected: {
                            index: number;
                            code: string;
                            errors: {
                                path: string;
                                message: string;
                            }[];
                        }[];
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Well-formed but impossible (a reference to something unknown, a time range that ends before it starts); `code` says which */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ingestOtlpLogs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description OTLP logs in the proto3 JSON mapping (unknown fields ignored). `claude_code.tool_result` records (event name in `body`, `eventName` or the `event.name` attribute, with or without the `claude_code.` prefix) become tool calls: `tool_name` → toolName (MCP: `<mcp_server_name>/<mcp_tool_name>` from `tool_parameters` when present, else tool_name as sent), `duration_ms` → durationMs (rounded, ≥ 0), `success` true/"true" → success, else `timeout` when `error_type` or `error` mentions a timeout, else `error`; `error_type` → errorType; time from `timeUnixNano`, then `observedTimeUnixNano`, then `event.timestamp`, else now. Ids: tool call = UUID v5 of `tool_use_id` in namespace ef4a68e3-cd01-4082-9743-53d1c191c60c (without tool_use_id: of session, time, tool name and `event.sequence`); session = `session.id` when it is a UUID, else its UUID v5 in the same namespace. An unknown session is created as type `agent`, status `active`, started at its earliest record, with `devflow.project` / `devflow.profile` from the record or resource attributes (an unknown profile is left out). Other events are counted by name in GET /v1/stats, not stored. */
        requestBody: {
            content: {
                "application/json": {
                    resourceLogs: {
                        resource?: {
                            attributes?: {
                                key: string;
                                /** @description OTLP AnyValue: one variant set */
                                value: {
                                    stringValue?: string;
                                    boolValue?: boolean;
                                    /** @description int64: number or decimal string */
                                    intValue?: number | string;
                                    doubleValue?: number;
                                    arrayValue?: {
                                        values: unknown[];
                                    };
                                    kvlistValue?: {
                                        values: unknown[];
                                    };
                                    /** @description base64 */
                                    bytesValue?: string;
                                };
                            }[];
                        };
                        scopeLogs: {
                            scope?: {
                                name?: string;
                                version?: string;
                            };
                            logRecords: {
                                /** @description fixed64 Unix nanoseconds: decimal string or number; 0 = unset */
                                timeUnixNano?: string | number;
                                /** @description fixed64 Unix nanoseconds: decimal string or number; 0 = unset */
                                observedTimeUnixNano?: string | number;
                                severityNumber?: number;
                                severityText?: string;
                                eventName?: string;
                                /** @description OTLP AnyValue: one variant set */
                                body?: {
                                    stringValue?: string;
                                    boolValue?: boolean;
                                    /** @description int64: number or decimal string */
                                    intValue?: number | string;
                                    doubleValue?: number;
                                    arrayValue?: {
                                        values: unknown[];
                                    };
                                    kvlistValue?: {
                                        values: unknown[];
                                    };
                                    /** @description base64 */
                                    bytesValue?: string;
                                };
                                attributes?: {
                                    key: string;
                                    /** @description OTLP AnyValue: one variant set */
                                    value: {
                                        stringValue?: string;
                                        boolValue?: boolean;
                                        /** @description int64: number or decimal string */
                                        intValue?: number | string;
                                        doubleValue?: number;
                                        arrayValue?: {
                                            values: unknown[];
                                        };
                                        kvlistValue?: {
                                            values: unknown[];
                                        };
                                        /** @description base64 */
                                        bytesValue?: string;
                                    };
                                }[];
                            }[];
                        }[];
                    }[];
                };
                "application/x-protobuf": {
                    resourceLogs: {
                        resource?: {
                            attributes?: {
                                key: string;
                                /** @description OTLP AnyValue: one variant set */
                                value: {
                                    stringValue?: string;
                                    boolValue?: boolean;
                                    /** @description int64: number or decimal string */
                                    intValue?: number | string;
                                    doubleValue?: number;
                                    arrayValue?: {
                                        values: unknown[];
                                    };
                                    kvlistValue?: {
                                        values: unknown[];
                                    };
                                    /** @description base64 */
                                    bytesValue?: string;
                                };
                            }[];
                        };
                        scopeLogs: {
                            scope?: {
                                name?: string;
                                version?: string;
                            };
                            logRecords: {
                                /** @description fixed64 Unix nanoseconds: decimal string or number; 0 = unset */
                                timeUnixNano?: string | number;
                                /** @description fixed64 Unix nanoseconds: decimal string or number; 0 = unset */
                                observedTimeUnixNano?: string | number;
                                severityNumber?: number;
                                severityText?: string;
                                eventName?: string;
                                /** @description OTLP AnyValue: one variant set */
                                body?: {
                                    stringValue?: string;
                                    boolValue?: boolean;
                                    /** @description int64: number or decimal string */
                                    intValue?: number | string;
                                    doubleValue?: number;
                                    arrayValue?: {
                                        values: unknown[];
                                    };
                                    kvlistValue?: {
                                        values: unknown[];
                                    };
                                    /** @description base64 */
                                    bytesValue?: string;
                                };
                                attributes?: {
                                    key: string;
                                    /** @description OTLP AnyValue: one variant set */
                                    value: {
                                        stringValue?: string;
                                        boolValue?: boolean;
                                        /** @description int64: number or decimal string */
                                        intValue?: number | string;
                                        doubleValue?: number;
                                        arrayValue?: {
                                            values: unknown[];
                                        };
                                        kvlistValue?: {
                                            values: unknown[];
                                        };
                                        /** @description base64 */
                                        bytesValue?: string;
                                    };
                                }[];
                            }[];
                        }[];
                    }[];
                };
            };
        };
        responses: {
            /** @description `{}` when every record was stored or counted; `partialSuccess` otherwise */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        partialSuccess?: {
                            /**
                             * @description int64 as a string: tool_result records not stored
                             * @example 1
                             */
                            rejectedLogRecords: string;
                            /** @example 1 tool_result record(s) rejected: /resourceLogs/0/scopeLogs/0/logRecords/2: session.id is missing */
                            errorMessage: string;
                        };
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json or application/x-protobuf */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    ingestOtlpMetrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description an OTLP ExportMetricsServiceRequest (any JSON is accepted and only counted) */
        requestBody: {
            content: {
                "application/json": unknown;
                "application/x-protobuf": unknown;
            };
        };
        responses: {
            /** @description always `{}`: metrics are counted, not stored */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": Record<string, never>;
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json or application/x-protobuf */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getSessionsReport: {
        parameters: {
            query?: {
                /** @description start, inclusive; default `to` − 30 days (RFC 3339 or epoch ms) */
                from?: string;
                /** @description end, exclusive; default now (RFC 3339 or epoch ms) */
                to?: string;
                /** @description profile id or name (of the session); an unknown profile gives no rows */
                profile?: string;
                /** @description exact project (of the session) */
                project?: string;
                /** @description only this session */
                session?: string;
                /** @description csv, or json (default); wins over the Accept header (`Accept: text/csv` works too) */
                format?: "json" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description the range used (inclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        from: string;
                        /**
                         * Format: date-time
                         * @description the range used (exclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        to: string;
                        rows: {
                            /** @example test */
                            type: string;
                            /** @description sessions started in the range */
                            total: number;
                            /** @description of them still active */
                            active: number;
                            /** @description completed */
                            completed: number;
                            /** @description failed */
                            failed: number;
                            /** @description cancelled */
                            cancelled: number;
                            successRate: number | null;
                            avgDurationMinutes: number | null;
                            p95DurationMinutes: number | null;
                            /** @description sum of errorCount */
                            errorCount: number;
                            errorsPerSession: number | null;
                            /** @description sum of outputLines */
                            outputLines: number;
                        }[];
                    };
                    "text/csv": string;
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getToolsReport: {
        parameters: {
            query?: {
                /** @description start, inclusive; default `to` − 30 days (RFC 3339 or epoch ms) */
                from?: string;
                /** @description end, exclusive; default now (RFC 3339 or epoch ms) */
                to?: string;
                /** @description profile id or name (of the session); an unknown profile gives no rows */
                profile?: string;
                /** @description exact project (of the session) */
                project?: string;
                /** @description only this session */
                session?: string;
                /** @description csv, or json (default); wins over the Accept header (`Accept: text/csv` works too) */
                format?: "json" | "csv";
                /** @description exact toolName */
                tool?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description the range used (inclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        from: string;
                        /**
                         * Format: date-time
                         * @description the range used (exclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        to: string;
                        rows: {
                            /** @example Bash */
                            toolName: string;
                            /** @description tool calls in the range */
                            calls: number;
                            /** @description status 'error' */
                            errors: number;
                            /** @description status 'timeout' */
                            timeouts: number;
                            errorRate: number | null;
                            timeoutRate: number | null;
                            avgDurationMs: number | null;
                            p50DurationMs: number | null;
                            p95DurationMs: number | null;
                            p99DurationMs: number | null;
                            maxDurationMs: number | null;
                        }[];
                        /**
                         * @description where the figures came from. rollup: pre-aggregated rollups — whole UTC days, 6, 3 and 1 hours, half hours and 15-minute slots of the range (with a profile or a project: whole days; with both: 15-minute slots), raw rows for the rest while they are stored; calls, errors, timeouts, rates, averages and max are identical to raw, percentiles within 1 % relative. raw: the raw tool calls, percentiles exact: with a session filter, when a report without a profile or project filter covers at most DEVFLOW_EXACT_REPORT_CALLS calls (default 20,000) all still stored raw, and until the rollups of rows stored before an upgrade are built. Rollups outlive raw rows (retention rollupDays), so ranges whose raw rows retention deleted still answer.
                         * @example raw
                         */
                        source: "rollup" | "raw";
                    };
                    "text/csv": string;
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getToolsTimeseriesReport: {
        parameters: {
            query?: {
                /** @description start, inclusive; default `to` − 30 days (RFC 3339 or epoch ms) */
                from?: string;
                /** @description end, exclusive; default now (RFC 3339 or epoch ms) */
                to?: string;
                /** @description profile id or name (of the session); an unknown profile gives no rows */
                profile?: string;
                /** @description exact project (of the session) */
                project?: string;
                /** @description only this session */
                session?: string;
                /** @description csv, or json (default); wins over the Accept header (`Accept: text/csv` works too) */
                format?: "json" | "csv";
                /** @description bucket size; default day */
                interval?: "hour" | "day";
                /** @description IANA time zone for the buckets (local midnight, DST and half-hour offsets included); an unknown zone is a 400 */
                tz?: string;
                /** @description exact toolName */
                tool?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description the range used (inclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        from: string;
                        /**
                         * Format: date-time
                         * @description the range used (exclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        to: string;
                        rows: {
                            /**
                             * Format: date-time
                             * @description UTC instant of the local start of the bucket in tz
                             * @example 2026-11-23T03:16:21.123Z
                             */
                            bucketStart: string;
                            /** @example Bash */
                            toolName: string;
                            /** @description tool calls in the bucket */
                            calls: number;
                            /** @description status 'error' */
                            errors: number;
                            avgDurationMs: number | null;
                            p95DurationMs: number | null;
                        }[];
                        /**
                         * @description where the figures came from. rollup: pre-aggregated rollups — whole UTC days, 6, 3 and 1 hours, half hours and 15-minute slots of the range (with a profile or a project: whole days; with both: 15-minute slots), raw rows for the rest while they are stored; calls, errors, timeouts, rates, averages and max are identical to raw, percentiles within 1 % relative. raw: the raw tool calls, percentiles exact: with a session filter, when a report without a profile or project filter covers at most DEVFLOW_EXACT_REPORT_CALLS calls (default 20,000) all still stored raw, and until the rollups of rows stored before an upgrade are built. Rollups outlive raw rows (retention rollupDays), so ranges whose raw rows retention deleted still answer.
                         * @example raw
                         */
                        source: "rollup" | "raw";
                    };
                    "text/csv": string;
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProductivityReport: {
        parameters: {
            query?: {
                /** @description start, inclusive; default `to` − 30 days (RFC 3339 or epoch ms) */
                from?: string;
                /** @description end, exclusive; default now (RFC 3339 or epoch ms) */
                to?: string;
                /** @description profile id or name (of the session); an unknown profile gives no rows */
                profile?: string;
                /** @description exact project (of the session) */
                project?: string;
                /** @description only this session */
                session?: string;
                /** @description csv, or json (default); wins over the Accept header (`Accept: text/csv` works too) */
                format?: "json" | "csv";
                /** @description period; weeks start on Monday (ISO); default day */
                groupBy?: "day" | "week" | "month";
                /** @description IANA time zone for the buckets (local midnight, DST and half-hour offsets included); an unknown zone is a 400 */
                tz?: string;
                /** @description exact eventType */
                eventType?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description the range used (inclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        from: string;
                        /**
                         * Format: date-time
                         * @description the range used (exclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        to: string;
                        rows: {
                            /**
                             * Format: date-time
                             * @description UTC instant of the local start of the period in tz
                             * @example 2026-11-23T03:16:21.123Z
                             */
                            period: string;
                            /** @example code_generation */
                            eventType: string;
                            /** @description events */
                            eventCount: number;
                            avgTimeSaved: number | null;
                            avgImprovement: number | null;
                            /** @description sum of timeSaved, seconds */
                            totalTimeSaved: number;
                        }[];
                        /** @description over every matching event (not in the CSV) */
                        totals: {
                            /** @description events */
                            eventCount: number;
                            avgTimeSaved: number | null;
                            avgImprovement: number | null;
                            /** @description sum of timeSaved, seconds */
                            totalTimeSaved: number;
                        };
                    };
                    "text/csv": string;
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getFeaturesReport: {
        parameters: {
            query?: {
                /** @description start, inclusive; default `to` − 30 days (RFC 3339 or epoch ms) */
                from?: string;
                /** @description end, exclusive; default now (RFC 3339 or epoch ms) */
                to?: string;
                /** @description profile id or name (of the session); an unknown profile gives no rows */
                profile?: string;
                /** @description exact project (of the session) */
                project?: string;
                /** @description only this session */
                session?: string;
                /** @description csv, or json (default); wins over the Accept header (`Accept: text/csv` works too) */
                format?: "json" | "csv";
                /** @description exact featureCategory */
                category?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description the range used (inclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        from: string;
                        /**
                         * Format: date-time
                         * @description the range used (exclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        to: string;
                        rows: {
                            /** @example editing */
                            featureCategory: string;
                            /** @example auto-refactor */
                            featureName: string;
                            /** @description usages started in the range */
                            usageCount: number;
                            /** @description distinct sessions */
                            uniqueSessions: number;
                            successRate: number | null;
                            avgDurationSeconds: number | null;
                        }[];
                    };
                    "text/csv": string;
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getProfilesReport: {
        parameters: {
            query?: {
                /** @description start, inclusive; default `to` − 30 days (RFC 3339 or epoch ms) */
                from?: string;
                /** @description end, exclusive; default now (RFC 3339 or epoch ms) */
                to?: string;
                /** @description profile id or name (of the session); an unknown profile gives no rows */
                profile?: string;
                /** @description exact project (of the session) */
                project?: string;
                /** @description only this session */
                session?: string;
                /** @description csv, or json (default); wins over the Accept header (`Accept: text/csv` works too) */
                format?: "json" | "csv";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description the report */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * Format: date-time
                         * @description the range used (inclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        from: string;
                        /**
                         * Format: date-time
                         * @description the range used (exclusive)
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        to: string;
                        rows: {
                            /** @example 1 */
                            profileId: number;
                            /** @example node-dev */
                            name: string;
                            /** @description sessions started in the range with this profile */
                            sessions: number;
                            successRate: number | null;
                            /** @description sum of the ended sessions' durations, minutes */
                            totalMinutes: number;
                            errorsPerSession: number | null;
                            lastActiveAt: string | null;
                        }[];
                    };
                    "text/csv": string;
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getStats: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description rows per table */
                        tables: {
                            /** @description rows */
                            profiles: number;
                            /** @description rows */
                            sessions: number;
                            /** @description rows */
                            toolCalls: number;
                            /** @description rows */
                            productivityEvents: number;
                            /** @description rows */
                            featureUsage: number;
                            /** @description rows, revoked and expired included */
                            apiKeys: number;
                            /** @description rows */
                            retentionRuns: number;
                        };
                        /** @description storage; the file path is not shown */
                        database: {
                            /** @description main file size: page_count × page_size */
                            databaseBytes: number;
                            /** @description write-ahead log file size */
                            walBytes: number;
                            /** @description pages on the freelist (reclaimable by vacuum) */
                            freePages: number;
                            /** @description bytes per page */
                            pageSize: number;
                        };
                        /** @description the newest event time per kind; null when there is none */
                        newest: {
                            toolCall: string | null;
                            session: string | null;
                            productivityEvent: string | null;
                            featureUsage: string | null;
                        };
                        /** @description counters since this process started */
                        ingest: {
                            /** @description items stored by batch writes (tool calls, productivity events, feature usage, OTLP) */
                            accepted: number;
                            /** @description items skipped as duplicates */
                            duplicates: number;
                            /** @description items rejected in partial batches */
                            rejected: number;
                            /** @description OTLP log records received, by event name */
                            otlpRecords: {
                                [key: string]: number;
                            };
                            /** @description POST /v1/metrics requests */
                            otlpMetricsRequests: number;
                        };
                        /** @description the most recent retention run, or null */
                        lastRetentionRun: components["schemas"]["RetentionRun"] | null;
                    };
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getRetentionPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description tool calls (by timestamp) older than this many days are deleted (1..36500)
                         * @example 90
                         */
                        toolCallsDays: number;
                        /**
                         * @description ended sessions (by last activity), with everything under them, older than this many days are deleted (1..36500)
                         * @example 365
                         */
                        sessionsDays: number;
                        /**
                         * @description productivity events (by createdAt) older than this many days are deleted (1..36500)
                         * @example 365
                         */
                        productivityEventsDays: number;
                        /**
                         * @description feature usage records (by startedAt) older than this many days are deleted (1..36500)
                         * @example 90
                         */
                        featureUsageDays: number;
                        /**
                         * @description active sessions with no activity for this many hours are set to cancelled (endedAt = their last activity)
                         * @example 24
                         */
                        staleSessionHours: number;
                        /**
                         * @description tool-call rollups (15-minute slots that feed the tool reports; kept apart from the raw rows so trends outlive them) older than this many days are deleted (1..36500)
                         * @example 730
                         */
                        rollupDays: number;
                        /**
                         * @description cron expression in the server's local time: 5 fields (minute hour day month weekday), or 6 with seconds first, or a nickname (@daily, @hourly…). Takes effect without restart
                         * @example 30 3 * * *
                         */
                        schedule: string;
                        /**
                         * @description incremental: return freed pages to the file system in small steps, then truncate the WAL; full: VACUUM (rewrites the file; blocks writes while it runs; skipped when free disk is less than the database size); off: nothing
                         * @example incremental
                         */
                        vacuum: "incremental" | "full" | "off";
                    };
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    replaceRetentionPolicy: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description tool calls (by timestamp) older than this many days are deleted (1..36500)
                     * @example 90
                     */
                    toolCallsDays: number;
                    /**
                     * @description ended sessions (by last activity), with everything under them, older than this many days are deleted (1..36500)
                     * @example 365
                     */
                    sessionsDays: number;
                    /**
                     * @description productivity events (by createdAt) older than this many days are deleted (1..36500)
                     * @example 365
                     */
                    productivityEventsDays: number;
                    /**
                     * @description feature usage records (by startedAt) older than this many days are deleted (1..36500)
                     * @example 90
                     */
                    featureUsageDays: number;
                    /**
                     * @description active sessions with no activity for this many hours are set to cancelled (endedAt = their last activity)
                     * @example 24
                     */
                    staleSessionHours: number;
                    /**
                     * @description tool-call rollups (15-minute slots that feed the tool reports; kept apart from the raw rows so trends outlive them) older than this many days are deleted (1..36500)
                     * @example 730
                     */
                    rollupDays?: number;
                    /**
                     * @description cron expression in the server's local time: 5 fields (minute hour day month weekday), or 6 with seconds first, or a nickname (@daily, @hourly…). Takes effect without restart
                     * @example 30 3 * * *
                     */
                    schedule: string;
                    /**
                     * @description incremental: return freed pages to the file system in small steps, then truncate the WAL; full: VACUUM (rewrites the file; blocks writes while it runs; skipped when free disk is less than the database size); off: nothing
                     * @example incremental
                     */
                    vacuum: "incremental" | "full" | "off";
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description tool calls (by timestamp) older than this many days are deleted (1..36500)
                         * @example 90
                         */
                        toolCallsDays: number;
                        /**
                         * @description ended sessions (by last activity), with everything under them, older than this many days are deleted (1..36500)
                         * @example 365
                         */
                        sessionsDays: number;
                        /**
                         * @description productivity events (by createdAt) older than this many days are deleted (1..36500)
                         * @example 365
                         */
                        productivityEventsDays: number;
                        /**
                         * @description feature usage records (by startedAt) older than this many days are deleted (1..36500)
                         * @example 90
                         */
                        featureUsageDays: number;
                        /**
                         * @description active sessions with no activity for this many hours are set to cancelled (endedAt = their last activity)
                         * @example 24
                         */
                        staleSessionHours: number;
                        /**
                         * @description tool-call rollups (15-minute slots that feed the tool reports; kept apart from the raw rows so trends outlive them) older than this many days are deleted (1..36500)
                         * @example 730
                         */
                        rollupDays: number;
                        /**
                         * @description cron expression in the server's local time: 5 fields (minute hour day month weekday), or 6 with seconds first, or a nickname (@daily, @hourly…). Takes effect without restart
                         * @example 30 3 * * *
                         */
                        schedule: string;
                        /**
                         * @description incremental: return freed pages to the file system in small steps, then truncate the WAL; full: VACUUM (rewrites the file; blocks writes while it runs; skipped when free disk is less than the database size); off: nothing
                         * @example incremental
                         */
                        vacuum: "incremental" | "full" | "off";
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: send the body as application/json */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    runRetention: {
        parameters: {
            query?: {
                /** @description count what would be deleted and closed; change nothing */
                dryRun?: boolean;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @example 42 */
                        id: number;
                        trigger: "manual" | "scheduled" | "cli";
                        dryRun: boolean;
                        status: "running" | "succeeded" | "failed";
                        /**
                         * Format: date-time
                         * @example 2026-11-23T03:16:21.123Z
                         */
                        startedAt: string;
                        finishedAt: string | null;
                        durationMs: number | null;
                        /** @description rows deleted (for a dry run: rows the run would delete now) */
                        deleted: {
                            /** @description tool calls deleted, including those under deleted sessions */
                            toolCalls: number;
                            /** @description ended sessions deleted */
                            sessions: number;
                            /** @description productivity events deleted, including those under deleted sessions */
                            productivityEvents: number;
                            /** @description feature usage records deleted, including those under deleted sessions */
                            featureUsage: number;
                        };
                        /** @description active sessions set to cancelled (dry run: would be) */
                        staleSessionsClosed: number;
                        vacuum: {
                            /**
                             * @description incremental: return freed pages to the file system in small steps, then truncate the WAL; full: VACUUM (rewrites the file; blocks writes while it runs; skipped when free disk is less than the database size); off: nothing
                             * @example incremental
                             */
                            mode: "incremental" | "full" | "off";
                            /** @description database size (page_count × page_size) when the run started */
                            bytesBefore: number;
                            /** @description database size when the run finished; null while running */
                            bytesAfter: number | null;
                            /** @description why space reclamation was skipped or limited, if it was */
                            note: string | null;
                        };
                        /** @description why the run failed; null otherwise */
                        error: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description Conflict with the current state; `code` says which */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description PAYLOAD_TOO_LARGE: the body is over DEVFLOW_BODY_LIMIT bytes (after decompression) */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: this route takes no body */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    listRetentionRuns: {
        parameters: {
            query?: {
                /** @description page size, 1..500 */
                limit?: number;
                /** @description opaque cursor from the previous page's nextCursor */
                cursor?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        items: components["schemas"]["RetentionRun"][];
                        /** @description pass as ?cursor= for the next page; null on the last page */
                        nextCursor: string | null;
                    };
                };
            };
            /** @description VALIDATION_FAILED (`errors` lists each `{ path, message }`), MALFORMED_JSON or BAD_REQUEST */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
    getClaudeCodeSetup: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /**
                         * @description OTEL_EXPORTER_OTLP_ENDPOINT: this server as the request reached it
                         * @example http://127.0.0.1:3000
                         */
                        endpoint: string;
                        /** @description environment variable → value */
                        env: {
                            [key: string]: string;
                        };
                        /** @description the same lines for a POSIX shell (export …), one per line */
                        shell: string;
                        /** @description block for ~/.claude/settings.json (or .claude/settings.json in a project) */
                        settingsJson: {
                            /** @description environment variable → value */
                            env: {
                                [key: string]: string;
                            };
                        };
                        /** @description environment variable → value */
                        optionalEnv: {
                            [key: string]: string;
                        };
                        notes: string[];
                    };
                };
            };
            /** @description UNAUTHORIZED: the API key is missing, unknown, revoked or expired */
            401: {
                headers: {
                    /** @description the authentication scheme to use */
                    "www-authenticate"?: "Bearer";
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description FORBIDDEN: the key's role does not allow this route */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description RATE_LIMITED: too many requests from this key (or address, without one); retry after Retry-After seconds */
            429: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description DATABASE_BUSY, NOT_READY while the server shuts down, or another temporary condition; retry after Retry-After seconds */
            503: {
                headers: {
                    /** @description seconds to wait before retrying */
                    "retry-after"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description STORAGE_FULL: the database disk is full; nothing was written (a read may need to write first); retry later */
            507: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
        };
    };
}
