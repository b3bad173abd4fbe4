// A raw JSON-RPC POST to an MCP endpoint, as a Streamable HTTP client sends it.

/**
 * POSTs `body` to `url` with the Accept header MCP clients send.
 *
 * @param url - the MCP endpoint
 * @param body - JSON-RPC message or batch
 * @param authorization - the Authorization header, if any
 */
export function postMcp(url: string, body: unknown, authorization?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization === undefined ? {} : { authorization }),
    },
    body: JSON.stringify(body),
  });
}
