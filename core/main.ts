import { createDaemon } from './app.ts';
import { ConfigError } from './config/load.ts';

/** `npm start`: boot on the embedded defaults (plus config file / env), stop cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let daemon: Awaited<ReturnType<typeof createDaemon>>;
  try {
    daemon = await createDaemon({ argv: process.argv.slice(2) });
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`wppd: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  // Logs are written asynchronously; exit only once the last lines ("wppd stopped") are out.
  const exitAfterFlush = (code: number) => {
    setTimeout(() => process.exit(code), 1_000).unref();
    daemon.log.flush(() => process.exit(code));
  };
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      daemon.log.warn({ signal }, 'second signal: exiting now');
      process.exit(1);
    }
    stopping = true;
    daemon.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    daemon.close().then(
      () => exitAfterFlush(0),
      (error) => {
        daemon.log.error({ err: error }, 'shutdown failed');
        exitAfterFlush(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await daemon.listen();
}

void main();
