import fp from 'fastify-plugin';
import { RunAbortedError } from '../services/retention-slices.js';

/**
 * Builds the tool-call rollups for rows stored before they existed (issue 9), in the background
 * after start: slot-range slices of ~10 ms that yield to requests between them, the cursor
 * saved with each, so a restart resumes. Until it completes the tool reports read raw rows.
 * Rollups built by an older version get their summaries recomputed in the current layout the
 * same way (the reports use the new summaries once that completes).
 * Runs with the scheduler (DEVFLOW_SCHEDULER): background maintenance belongs to one process;
 * `devflow rollups rebuild` does the same from the command line.
 */
export default fp(
  async function rollupsBackfill(app) {
    const rollups = app.services.rollups;
    const controller = new AbortController();
    let running: Promise<void> | null = null;

    app.addHook('onReady', async function startBackfill() {
      if (!app.config.rollups || (rollups.isBuilt() && !rollups.needsUpgrade())) return;
      running = (async () => {
        try {
          if (!rollups.isBuilt()) {
            const result = await rollups.rebuild({ resume: true, signal: controller.signal });
            app.log.info(result, 'rollups: backfill done; the tool reports read rollups from now on');
          }
          if (rollups.needsUpgrade()) {
            const result = await rollups.upgradeSummaries(controller.signal);
            app.log.info(result, 'rollups: summaries upgraded to the current layout');
          }
        } catch (err) {
          if (err instanceof RunAbortedError) app.log.info('rollups: backfill stopped; it resumes at the next start');
          else app.log.error({ err }, 'rollups: backfill failed; the tool reports keep reading raw rows (devflow rollups rebuild)');
        }
      })();
      app.log.info('rollups: backfill started');
    });

    app.addHook('preClose', async function stopBackfill() {
      controller.abort('aborted: the server is shutting down');
      await running;
    });
  },
  { name: 'rollups-backfill', dependencies: ['services', 'db'] },
);
