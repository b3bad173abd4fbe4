// `mcp-authz serve`: loads the configuration (file + environment), runs the service until SIGTERM
// or SIGINT, then shuts down gracefully. Invalid configuration exits 1 naming the key.
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { DEV_ISSUER, DEV_ISSUER_DIR, devIssuerConfig, loadDevKey } from '../dev-issuer/index.js';
import { startService } from '../main.js';
import type { CliIo } from './types.js';

export const SERVE_USAGE = `usage: mcp-authz serve [--config <authz.config.yaml>] [--dev-issuer]

Configuration comes from authz.config.yaml (AUTHZ_CONFIG, or ./authz.config.yaml when present)
and the environment (PORT, HOST, REDIS_URL, AUTHZ_JWT_ISSUER, AUTHZ_CLIENTS, ...; see README).

  --dev-issuer  also trust the development issuer ${DEV_ISSUER}, whose tokens
                \`mcp-authz token\` mints (key in ./${DEV_ISSUER_DIR}/), for every server that does
                not list its issuers. For trying things only: refused when NODE_ENV is production.
`;

export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  let configFile: string | undefined;
  let devIssuer = false;
  try {
    const { values } = parseArgs({
      args: argv,
      options: { config: { type: 'string' }, 'dev-issuer': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
    });
    if (values.help) {
      io.stdout(SERVE_USAGE);
      return 0;
    }
    configFile = values.config;
    devIssuer = values['dev-issuer'] === true;
  } catch (err) {
    io.stderr(`${(err as Error).message}\n${SERVE_USAGE}`);
    return 2;
  }

  const extraIssuers: Record<string, unknown>[] = [];
  if (devIssuer) {
    if (process.env.NODE_ENV === 'production') {
      io.stderr('mcp-authz: --dev-issuer is refused when NODE_ENV is production\n');
      return 1;
    }
    try {
      extraIssuers.push(devIssuerConfig(await loadDevKey()));
    } catch (err) {
      io.stderr(`mcp-authz: ${(err as Error).message}\n`);
      return 1;
    }
    io.stderr(`mcp-authz: trusting the development issuer ${DEV_ISSUER} (key in ./${DEV_ISSUER_DIR}/): for trying things, never in production\n`);
  }

  let config;
  try {
    config = loadConfig({ env: configFile === undefined ? process.env : { ...process.env, AUTHZ_CONFIG: configFile }, extraIssuers });
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
