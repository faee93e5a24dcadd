type AnyFn = (...args: unknown[]) => unknown;

/**
 * The same object with every method's failures passed through an engine's `translate` (sync
 * throws, rejected promises and async iterables alike): a driver's error a client can act on
 * becomes the problem it gets (507 disk full, 503 busy or unavailable), so services never know
 * an engine's error codes. `observe` sees each failure first and each success of a method not
 * in `reads` (the SQLite store clears its disk-full state on a write that worked).
 */
export function translatedWith<T extends object>(
  translate: (err: unknown) => unknown,
  target: T,
  observe: { failed(err: unknown): void; wrote(): void },
  reads: ReadonlySet<string>,
): T {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(target)) {
    const value = (target as Record<string, unknown>)[key];
    if (typeof value !== 'function') {
      out[key] = value;
      continue;
    }
    const fail = (err: unknown): never => {
      observe.failed(err);
      throw translate(err);
    };
    out[key] = function translatedMethod(...args: unknown[]) {
      let result: unknown;
      try {
        result = (value as AnyFn).apply(target, args);
      } catch (err) {
        return fail(err);
      }
      if (result instanceof Promise) {
        return result.then((v) => {
          if (!reads.has(key)) observe.wrote();
          return v;
        }, fail);
      }
      if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) return translatedIterable(result as AsyncIterable<unknown>, fail);
      return result;
    };
  }
  return out as T;
}

async function* translatedIterable<V>(source: AsyncIterable<V>, fail: (err: unknown) => never): AsyncGenerator<V> {
  try {
    yield* source;
  } catch (err) {
    fail(err);
  }
}
