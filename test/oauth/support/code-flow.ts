// The authorization code flow with PKCE (S256) as a real client runs it: openid-client builds the
// request and redeems the code; the login and consent pages are driven by the minimal browser.
import * as client from 'openid-client';
import { authorizeInBrowser, Browser } from './browser.js';

export interface CodeFlowOptions {
  redirectUri: string;
  scope: string;
  /** RFC 8707 resource asked for at both endpoints. */
  resource: string;
  user: { username: string; password: string };
}

/** Runs the flow for `config`'s client; returns the token response. */
export async function runCodeFlow(config: client.Configuration, options: CodeFlowOptions) {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: options.redirectUri,
    scope: options.scope,
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    resource: options.resource,
    state,
  });
  const callback = await authorizeInBrowser(new Browser(), url.href, options.redirectUri, options.user);
  return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }, { resource: options.resource });
}
