import { main } from '../../src/cli/main.js';

export type CliRun = { code: number; out: string[]; err: string[] };

/** `devflow <args>` in this process on the database at dbPath, its lines captured. */
export async function devflowOn(dbPath: string, args: string[]): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { env: { DEVFLOW_DB_PATH: dbPath }, out: (l) => void out.push(l), err: (l) => void err.push(l) });
  return { code, out, err };
}
