/**
 * How to start a worker thread on `name`, a sibling module of `callerUrl` (its import.meta.url).
 * Compiled, the sibling is plain JavaScript. From sources (npm start, tests: TypeScript through
 * tsx) the worker registers tsx first: on Node 20 a worker does not inherit the loader hooks
 * that `--import tsx` registered on the main thread.
 */
export function workerEntry(callerUrl: string, name: string): { entry: URL | string; eval: boolean } {
  if (!callerUrl.endsWith('.ts')) return { entry: new URL(`./${name}.js`, callerUrl), eval: false };
  const module = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return { entry: `import(${tsx}).then((tsx) => { tsx.register(); return import(${module}); })`, eval: true };
}
