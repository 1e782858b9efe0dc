/**
 * A stand-in Teams host for browser tests of the tab: a page that iframes the tab and answers teams-js's
 * postMessage protocol (host/host.js), plus the two things the page needs from the test: the signed-in person's
 * context and a Teams SSO token for the app (which Teams gets from Entra; here the sandbox mints it).
 * Mount the router on the same origin as the tab: the tab's CSP frame-ancestors admit only Microsoft hosts and 'self'.
 */
import * as path from 'node:path';
import express, { type Router } from 'express';

/** The person the stand-in Teams client is signed in as. */
export interface HostUser {
  upn: string;
  tenantId: string;
  objectId: string;
}

export interface TeamsHostOptions {
  /** Looks a person up by UPN; throws when unknown. */
  user(upn: string): HostUser;
  /**
   * A Teams SSO token for the app, for that person; `interactive` when the tab asked non-silently (Teams would show
   * its sign-in window, e.g. for MFA).
   */
  ssoToken(upn: string, interactive: boolean): Promise<string>;
}

/** One test scenario of the host page (see host/host.js for what each field does). */
export interface HostScenario {
  user: string;
  tab?: string;
  theme?: 'default' | 'dark' | 'contrast';
  locale?: string;
  /** 'ok' or the failure reason getAuthToken answers with. */
  auth?: string;
}

/** Where the router is mounted by convention. */
export const TEAMS_HOST_PATH = '/teams-host';

const HOST_FILES = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'e2e', 'tab', 'host');

/** Serves the host page (`/`), the person's context (`/context?user=`) and their SSO token (`/sso-token?user=`). */
export function createTeamsHostRouter(options: TeamsHostOptions): Router {
  const router = express.Router();
  router.get('/context', (req, res) => {
    try {
      res.json(options.user(String(req.query.user ?? '')));
    } catch {
      res.status(404).json({ message: 'unknown user' });
    }
  });
  router.get('/sso-token', async (req, res) => {
    try {
      res.json({ token: await options.ssoToken(String(req.query.user ?? ''), req.query.interactive === '1') });
    } catch {
      res.status(404).json({ message: 'unknown user' });
    }
  });
  router.use(express.static(HOST_FILES, { index: 'index.html' }));
  return router;
}

/** URL of the host page for a scenario, below `origin` where the router is mounted at TEAMS_HOST_PATH. */
export function hostPageUrl(origin: string, scenario: HostScenario): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(scenario)) if (v !== undefined) q.set(k, v);
  return `${origin}${TEAMS_HOST_PATH}/?${q.toString()}`;
}
