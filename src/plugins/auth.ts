import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../lib/app-error.js';
import { hashKey, type Principal, type Role } from '../services/api-keys.js';

/** What a route needs: a role, or 'public' for the few routes the contract leaves open. */
export type Access = Role | 'public';

/** One registered route and the access it declared (undefined outside /v1 means public). */
export type RouteAccess = { method: string; url: string; access: Access | undefined };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Every route registered after this plugin, as the app itself sees it (tests walk it). */
    routeAccess: readonly RouteAccess[];
    /** The request's API key → its principal; rejects with a 401 problem. */
    checkKey: (request: FastifyRequest) => Promise<Principal>;
  }
}

/** `read` and `ingest` are separate capabilities; `admin` holds both. */
export function roleAllows(have: Role, need: Role): boolean {
  return have === 'admin' || have === need;
}

export const ENV_ADMIN: Principal = { id: 'env', name: 'env:DEVFLOW_ADMIN_KEY', role: 'admin' };

const unauthorized = (detail: string) => new AppError(401, 'UNAUTHORIZED', detail);

/** /v1, /v1/… and /v1?…, but not /v1x. */
export function isUnderV1(url: string): boolean {
  return url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?');
}

export function bearerKey(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const m = /^bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m ? (m[1] ?? null) : null;
}

/**
 * Every route declares its access in `config.access`; a /v1 route that declares none fails
 * at registration, so nothing is reachable by accident. The key is checked in onRequest,
 * before the body is read or validated.
 */
export default fp(
  async function auth(app: FastifyInstance) {
    app.decorateRequest('principal', null);
    const envKeyHash = app.config.adminKey ? Buffer.from(hashKey(app.config.adminKey), 'hex') : null;
    const isEnvAdminKey = (hash: string) => envKeyHash !== null && timingSafeEqual(Buffer.from(hash, 'hex'), envKeyHash);

    const routes: RouteAccess[] = [];
    app.decorate('routeAccess', routes);

    app.addHook('onRoute', function requireDeclaredAccess(route) {
      const access = (route.config as { access?: Access } | undefined)?.access;
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      // Fail closed: anything starting with /v1 (even /v1x) must declare its access.
      if (!access && route.url.startsWith('/v1') && !methods.every((m) => m === 'HEAD')) {
        throw new Error(`route ${methods.join(',')} ${route.url} declares no access role (config.access)`);
      }
      for (const method of methods) routes.push({ method: String(method), url: route.url, access });
    });

    // A keep-alive client sends the same key on every request: its hash is remembered for the
    // connection's lifetime (a sha256 per request shows in single-call ingest), never beyond it.
    const hashes = new WeakMap<object, { key: string; hash: string }>();
    const hashOf = (request: FastifyRequest, key: string): string => {
      const socket = request.raw.socket as object | null;
      const memo = socket ? hashes.get(socket) : undefined;
      if (memo?.key === key) return memo.hash;
      const hash = hashKey(key);
      if (socket) hashes.set(socket, { key, hash });
      return hash;
    };

    /** The request's key → its principal, or a 401 (also used for requests that fail before routing). */
    async function checkKey(request: FastifyRequest): Promise<Principal> {
      const key = bearerKey(request);
      if (!key) throw unauthorized('an API key is required: Authorization: Bearer <key>');
      const hash = hashOf(request, key);
      const principal = isEnvAdminKey(hash) ? ENV_ADMIN : await app.services.apiKeys.authenticate(key, hash);
      if (!principal) throw unauthorized('the API key is unknown, revoked or expired');
      return principal;
    }
    app.decorate('checkKey', checkKey);

    app.addHook('onRequest', async function authenticate(request) {
      const access = request.routeOptions.config?.access;
      if (access === 'public' || (!access && !isUnderV1(request.url))) return;
      const principal = await checkKey(request);
      request.principal = principal;
      if (!access) return; // unknown route under /v1: the 404 handler answers
      if (!roleAllows(principal.role, access)) {
        throw new AppError(403, 'FORBIDDEN', `this route needs the ${access} role; the key has ${principal.role}`);
      }
    });

    await bootstrapAdminKey(app);
  },
  { name: 'auth', dependencies: ['services', 'config'] },
);

/**
 * DEVFLOW_ADMIN_KEY is checked in memory (never stored, so unsetting it retires it). Otherwise, with no keys at all, generate one
 * into <data dir>/admin.key (0600) and log where it is, never what it is.
 */
async function bootstrapAdminKey(app: FastifyInstance): Promise<void> {
  const { config, services } = app;
  if (config.adminKey || (await services.apiKeys.count()) > 0) return;
  const created = await services.apiKeys.create({ name: 'bootstrap-admin', role: 'admin' });
  if (config.dbPath === ':memory:') {
    app.log.warn('in-memory database: the bootstrap admin key is not written anywhere; set DEVFLOW_ADMIN_KEY');
    return;
  }
  const file = join(dirname(config.dbPath), 'admin.key');
  if (existsSync(file)) chmodSync(file, 0o600);
  writeFileSync(file, `${created.key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  app.log.info({ file }, 'created the first admin API key; read it from this file');
}
