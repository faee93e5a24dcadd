import { ROLES } from '../lib/vocabulary.js';
import { AppError } from '../lib/app-error.js';
import { UUID_PATTERN } from '../lib/ids.js';
import { createValidatorCompiler } from '../lib/validation.js';
import { validationErrors, type AjvError } from '../lib/validation-errors.js';
import { CreateApiKeyBody } from '../schemas/api-keys.js';
import { createApiKeyService, expiryFromInput, type ApiKeyView, type Role } from '../services/api-keys.js';
import { parse, subcommand, UsageError, type CliContext, type Command } from './command.js';
import { withStore } from './with-store.js';

const USAGE = `Usage:
  devflow keys create --name NAME --role read|ingest|admin [--expires-at TIME] [--json]
  devflow keys list [--json]
  devflow keys revoke ID

  create   Creates an API key and prints it once (only its hash is stored), with its id.
           --expires-at takes an RFC 3339 time with offset or epoch milliseconds, in the future.
  list     Lists every key, newest first: id, name, role, prefix, created, last used, expiry, state.
  revoke   Revokes the key with this id; requests with it are refused from then on.

Roles: read (every GET except keys and retention), ingest (telemetry writes only), admin (everything).
Works on the database of DEVFLOW_DB_PATH, like the server. create makes the database if there
is none; list and revoke refuse a missing one (the server or devflow migrate creates it).`;

const SUBCOMMANDS: Record<string, (ctx: CliContext, args: string[]) => Promise<number>> = {
  create: createKey,
  list: listKeys,
  revoke: revokeKey,
};

export const keysCommand: Command = {
  summary: 'create, list and revoke API keys',
  usage: USAGE,
  async run(ctx) {
    const chosen = subcommand(ctx, 'keys', Object.keys(SUBCOMMANDS), USAGE);
    if (!chosen) return 0;
    return (SUBCOMMANDS[chosen.sub] as (typeof SUBCOMMANDS)[string])(ctx, chosen.args);
  },
};

/** The option names the schema's JSON pointers correspond to. */
const FLAG_OF: Record<string, string> = { '/name': '--name', '/role': '--role', '/expiresAt': '--expires-at' };
/** expiresAt is a union (string or integer): Ajv's per-branch messages read badly on a command line. */
const EXPIRY_MESSAGE = 'must be an RFC 3339 time with offset (2027-01-31T00:00:00Z) or epoch milliseconds, in the future';

function flagError(path: string, message: string): UsageError {
  return new UsageError(`${FLAG_OF[path] ?? path} ${path === '/expiresAt' && message !== 'must be in the future' ? EXPIRY_MESSAGE : message}`);
}

/** The same schema the HTTP route validates with, so the CLI cannot create what the API would refuse. */
function checkCreateInput(input: { name: string; role: string; expiresAt?: string | number }): void {
  const validate = createValidatorCompiler()({ schema: CreateApiKeyBody, method: 'POST', url: '/v1/api-keys', httpPart: 'body' }) as ((v: unknown) => boolean) & { errors?: AjvError[] | null };
  if (validate(input)) return;
  const [first] = validationErrors(validate.errors ?? []);
  if (first) throw flagError(first.path, first.message);
}

async function createKey(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(args, {
    name: { type: 'string' },
    role: { type: 'string' },
    'expires-at': { type: 'string' },
    json: { type: 'boolean' },
  });
  if (values.name === undefined || values.role === undefined) throw new UsageError('keys create needs --name NAME and --role ROLE');
  if (!(ROLES as readonly string[]).includes(values.role)) throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  const rawExpiry = values['expires-at'];
  // On a command line digits can only mean epoch milliseconds; the schema checks the rest.
  const expiresAt = rawExpiry !== undefined && /^\d+$/.test(rawExpiry) ? Number(rawExpiry) : rawExpiry;
  checkCreateInput({ name: values.name, role: values.role, ...(expiresAt !== undefined ? { expiresAt } : {}) });

  const created = await withStore(ctx, async (store) => {
    try {
      return await createApiKeyService({ store }).create({ name: values.name as string, role: values.role as Role, expiresAt: expiryFromInput(expiresAt) });
    } catch (err) {
      const first = err instanceof AppError ? err.errors?.[0] : undefined;
      throw first ? flagError(first.path, first.message) : err;
    }
  }, { create: true });
  if (values.json) {
    ctx.out(JSON.stringify(created, null, 2));
  } else {
    ctx.out(
      table([
        ['id', created.id],
        ['name', created.name],
        ['role', created.role],
        ['prefix', created.prefix],
        ['expires', created.expiresAt ?? 'never'],
        ['key', created.key],
      ]),
    );
  }
  ctx.err('Store the key now: it is shown only this once (the database keeps its hash).');
  return 0;
}

function stateOf(key: ApiKeyView, now: number): string {
  if (key.revokedAt) return 'revoked';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

async function listKeys(ctx: CliContext, args: string[]): Promise<number> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const keys = await withStore(ctx, async (store) => {
    const service = createApiKeyService({ store });
    const all: ApiKeyView[] = [];
    let cursor: string | undefined;
    do {
      const page = await service.list({ limit: 500, cursor });
      all.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return all;
  });
  if (values.json) {
    ctx.out(JSON.stringify(keys, null, 2));
    return 0;
  }
  if (keys.length === 0) {
    ctx.out('No API keys. Create one with: devflow keys create --name NAME --role ROLE');
    return 0;
  }
  const now = Date.now();
  ctx.out(
    table([
      ['ID', 'NAME', 'ROLE', 'PREFIX', 'CREATED', 'LAST USED', 'EXPIRES', 'STATE'],
      ...keys.map((k) => [k.id, k.name, k.role, k.prefix, k.createdAt, k.lastUsedAt ?? '-', k.expiresAt ?? 'never', stateOf(k, now)]),
    ]),
  );
  return 0;
}

async function revokeKey(ctx: CliContext, args: string[]): Promise<number> {
  const { positionals } = parse(args, {}, 1);
  const [id] = positionals;
  if (id === undefined) throw new UsageError('keys revoke needs the key id (devflow keys list shows them)');
  if (!new RegExp(UUID_PATTERN).test(id)) throw new UsageError(`'${id}' is not a key id (a UUID, as devflow keys list shows)`);
  await withStore(ctx, (store) => createApiKeyService({ store }).revoke(id));
  ctx.out(`revoked ${id.toLowerCase()}`);
  return 0;
}

/** Left-aligned columns, two spaces apart. */
function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n');
}
