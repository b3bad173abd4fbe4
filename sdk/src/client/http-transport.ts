// POSTs to the service over keep-alive connections, with one deadline per call and bounded, jittered retries.
import http from 'node:http';
import https from 'node:https';
import { AuthzRequestError, AuthzTimeoutError, AuthzUnavailableError } from '../errors.js';

/** How the transport behaves; resolved from the client options. */
export interface HttpTransportOptions {
  /** Base URL of the service, e.g. `http://127.0.0.1:8080`. */
  baseUrl: URL;
  /** Value of the `Authorization` header that authenticates this caller. */
  authorization: string;
  /** Deadline of one call, retries included. */
  timeoutMs: number;
  /** Extra attempts after the first, only for failures that are safe to repeat. */
  retries: number;
  /** Upper bound of the first backoff; doubles per attempt, full jitter. */
  retryBaseMs: number;
}

/** A raw answer of the service. */
export interface HttpAnswer {
  status: number;
  body: string;
}

/** A POST sender bound to one service. */
export interface HttpTransport {
  /**
   * Sends one POST and returns the 2xx answer; throws typed errors for everything else.
   *
   * @param path - path under the base URL
   * @param body - serialized body
   * @param contentType - media type of `body`
   */
  post(path: string, body: string, contentType: string): Promise<HttpAnswer>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

// A failure that happened before any response byte: the service cannot have acted on it.
class ConnectionFailure extends Error {}

/**
 * Creates the transport. One keep-alive agent per client keeps connections warm, which is
 * most of the cost of a cache miss on localhost.
 *
 * @param options - resolved transport options
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const secure = options.baseUrl.protocol === 'https:';
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets: 64 })
    : new http.Agent({ keepAlive: true, maxSockets: 64 });
  const request = secure ? https.request : http.request;
  const basePath = options.baseUrl.pathname.replace(/\/$/, '');

  // One deadline per call; `current` is the attempt the deadline must cut short.
  interface Deadline {
    expired: boolean;
    current?: http.ClientRequest;
    wake?: () => void;
  }

  function attempt(path: string, body: string, contentType: string, deadline: Deadline): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => {
      let responded = false;
      const req = request(
        {
          protocol: options.baseUrl.protocol,
          hostname: options.baseUrl.hostname,
          port: options.baseUrl.port,
          path: basePath + path,
          method: 'POST',
          agent,
          headers: {
            authorization: options.authorization,
            'content-type': contentType,
            'content-length': Buffer.byteLength(body),
            accept: 'application/json',
          },
        },
        (res) => {
          responded = true;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      deadline.current = req;
      req.on('error', (error) => reject(responded || deadline.expired ? error : new ConnectionFailure(error.message, { cause: error })));
      req.end(body);
    });
  }

  async function post(path: string, body: string, contentType: string): Promise<HttpAnswer> {
    const deadline: Deadline = { expired: false };
    const timer = setTimeout(() => {
      deadline.expired = true;
      deadline.current?.destroy();
      deadline.wake?.();
    }, options.timeoutMs);
    try {
      for (let attemptNo = 0; ; attemptNo++) {
        let answer: HttpAnswer | undefined;
        let failure: unknown;
        try {
          answer = await attempt(path, body, contentType, deadline);
        } catch (error) {
          if (deadline.expired) throw new AuthzTimeoutError(options.timeoutMs);
          if (!(error instanceof ConnectionFailure)) throw new AuthzUnavailableError('connection to the authorization service failed mid-answer', undefined, error);
          failure = error;
        }
        const retryable = answer === undefined || answer.status === 503;
        if (answer !== undefined && !retryable) return checkStatus(answer);
        if (attemptNo >= options.retries) {
          if (answer !== undefined) return checkStatus(answer);
          throw new AuthzUnavailableError('authorization service unreachable', undefined, failure);
        }
        await backoff(options.retryBaseMs * 2 ** attemptNo, deadline);
        if (deadline.expired) throw new AuthzTimeoutError(options.timeoutMs);
      }
    } finally {
      clearTimeout(timer);
    }
  }

  return { post, close: () => agent.destroy() };
}

function checkStatus(answer: HttpAnswer): HttpAnswer {
  if (answer.status >= 200 && answer.status < 300) return answer;
  if (answer.status >= 500) throw new AuthzUnavailableError(`authorization service answered HTTP ${answer.status}`, answer.status);
  const problem = parseProblem(answer.body);
  throw new AuthzRequestError(answer.status, problem.code, problem.detail ?? `HTTP ${answer.status}`);
}

function parseProblem(body: string): { code?: string; detail?: string } {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const code = typeof parsed.code === 'string' ? parsed.code : undefined;
    const detail = typeof parsed.detail === 'string' ? parsed.detail : typeof parsed.title === 'string' ? parsed.title : undefined;
    return { code, detail };
  } catch {
    return {};
  }
}

// Full jitter spreads the retries of many MCP servers after a service restart.
function backoff(capMs: number, deadline: { wake?: () => void }): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.random() * capMs);
    function done(): void {
      clearTimeout(timer);
      deadline.wake = undefined;
      resolve();
    }
    deadline.wake = done;
  });
}
