// `mcp-authz serve`: loads the configuration (file + environment), runs the service until SIGTERM
// or SIGINT, then shuts down gracefully. Invalid configuration exits 1 naming the key.
import { parseArgs } from 'node:util';
import { ConfigError } from '../config/errors.js';
import { loadConfig } from '../config/load.js';
import { startService } from '../main.js';
import type { CliIo } from './types.js';

const USAGE = `usage: mcp-authz serve [--config <authz.config.yaml>]

Configuration comes from authz.config.yaml (AUTHZ_CONFIG, or ./authz.config.yaml when present)
and the environment (PORT, HOST, REDIS_URL, AUTHZ_JWT_ISSUER, AUTHZ_CLIENTS, ...; see README).
`;

export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  let configFile: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
    if (values.help) {
      io.stdout(USAGE);
      return 0;
    }
    configFile = values.config;
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }

  let config;
  try {
    config = loadConfig({ env: configFile === undefined ? process.env : { ...process.env, AUTHZ_CONFIG: configFile } });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`mcp-authz: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  let running;
  try {
    running = await startService({ config });
  } catch (err) {
    io.stderr(`mcp-authz: cannot listen on ${config.http.host}:${config.http.port}: ${(err as Error).message}\n`);
    return 1;
  }

  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  running.service.deps.logger.info({ signal }, 'shutting down');
  await running.close();
  return 0;
}
