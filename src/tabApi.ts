import * as path from 'node:path';
import express, { type Request, type Response, type NextFunction, type Router } from 'express';
import type { Clock } from './clock';
import type { ShareLog, ShareRecord } from './store/shareLog';
import { isShareError } from './domain/errors';
import { plainText } from './domain/displayText';
import { asyncRoute, ServiceUnavailableError } from './routeErrors';
import { errorSummary } from './cards/error-card';
import { formattingLocale, pickLanguage, strings, textDirection } from './cards/strings';
import { graphExpiration, hasExpired } from './domain/graphDates';

/** The person behind a tab request, from a validated Teams SSO token. */
export interface TabUser {
  tenantId: string;
  userObjectId: string;
  ssoToken: string;
}

export interface TabApiDeps {
  shareLog: ShareLog;
  clock: Clock;
  /** Validates a Teams SSO bearer token; rejects when it is not valid for this app and tenant. */
  authenticate(ssoToken: string): Promise<{ tenantId: string; userObjectId: string }>;
  /** Deletes the link's permission in Graph on the person's behalf (OBO from the SSO token). */
  revoke(user: TabUser, record: ShareRecord): Promise<void>;
}

/** Hosts Teams, Outlook and Microsoft 365 may frame the tab pages from. */
export const FRAME_ANCESTORS = [
  'teams.microsoft.com',
  '*.teams.microsoft.com',
  'teams.cloud.microsoft',
  '*.cloud.microsoft',
  '*.office.com',
  'outlook.office.com',
  'outlook.office365.com',
  '*.microsoft365.com',
  '*.skype.com',
];

/** Origins teams-js itself requests from the tab page. */
export const TEAMS_JS_ORIGINS = ['https://res.cdn.office.net'];

declare module 'express-serve-static-core' {
  interface Request {
    tabUser?: TabUser;
  }
}

/** The tab API's texts in the language the tab asked for (Accept-Language carries the Teams locale). */
function texts(req: Request) {
  return strings(req.header('accept-language')).tabApi;
}

/** A share-log call; any failure of the store becomes a 503 the tab shows, never a crash or a generic 500. */
async function fromStore<T>(req: Request, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    throw Object.assign(new ServiceUnavailableError(texts(req).storeUnavailable, 30), { cause: err });
  }
}

function status(r: ShareRecord, now: number): 'active' | 'revoked' | 'expired' {
  if (r.revokedAt) return 'revoked';
  // Records written before MinValue was understood may hold 0001-01-01T00:00:00Z: that link never expires.
  if (hasExpired(r.expirationDateTime, now)) return 'expired';
  return 'active';
}

/** Static tab pages (with a CSP that only lets Microsoft 365 hosts frame them) and the tab's JSON API. */
export function createTabRouter(deps: TabApiDeps, extraFrameAncestors: string[] = []): Router {
  const router = express.Router();
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    // teams-js fetches the list of valid host origins from Microsoft's CDN (validDomains.json).
    `connect-src 'self' ${TEAMS_JS_ORIGINS.join(' ')}`,
    `frame-ancestors 'self' ${[...FRAME_ANCESTORS, ...extraFrameAncestors].map((h) => (h.includes('://') ? h : `https://${h}`)).join(' ')}`,
  ].join('; ');
  const root = path.resolve(__dirname, '..', '..', 'tabs');
  const tabPages = express.Router();
  tabPages.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  tabPages.get('/vendor/teams-js.js', (_req, res) => {
    res.sendFile(require.resolve('@microsoft/teams-js/dist/umd/MicrosoftTeams.min.js'));
  });
  // The tab's texts in the language of a locale (the tab asks with the Teams locale from its context).
  tabPages.get('/strings', (req, res) => {
    const locale = typeof req.query.locale === 'string' ? req.query.locale.slice(0, 64) : undefined;
    const s = strings(locale);
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.json({
      lang: pickLanguage(locale),
      dir: textDirection(locale),
      formatLocale: formattingLocale(locale),
      separator: s.common.listSeparator,
      texts: s.tab,
    });
  });
  tabPages.use(express.static(path.join(root, 'public'), { index: 'index.html' }));
  tabPages.use(express.static(path.join(root, 'dist')));
  router.use('/tab', tabPages);

  const requireUser = asyncRoute(async (req: Request, res: Response, next: NextFunction) => {
    const m = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '');
    if (!m) {
      res.status(401).json({ message: texts(req).signInMissing });
      return;
    }
    try {
      const id = await deps.authenticate(m[1]);
      req.tabUser = { ...id, ssoToken: m[1] };
    } catch (err) {
      // Entra's keys unreachable is an outage, not a bad sign-in: the person should retry, not reopen the tab.
      if (isShareError(err) && (err.kind === 'transient' || err.kind === 'throttled')) {
        throw new ServiceUnavailableError(texts(req).signInUnavailable);
      }
      req.log.info({ reason: (err as Error).name }, 'tab API: rejected bearer token');
      res.status(401).json({ message: texts(req).signInInvalid });
      return;
    }
    next();
  });

  router.get(
    '/api/shares',
    requireUser,
    asyncRoute(async (req, res) => {
      const user = req.tabUser!;
      const records = await fromStore(req, () => deps.shareLog.listByUser(user.tenantId, user.userObjectId, 200));
      const now = deps.clock.now();
      res.json({
        shares: records.map((r) => ({
          permissionId: r.permissionId,
          // One line, no control or bidi override characters (the tab isolates the name itself).
          itemName: plainText(r.itemName),
          itemWebUrl: r.itemWebUrl,
          linkUrl: r.linkUrl,
          type: r.type,
          scope: r.scope,
          expirationDateTime: graphExpiration(r.expirationDateTime),
          passwordProtected: r.passwordProtected,
          recipients: r.recipients.map(plainText),
          audience: r.audience && {
            kind: r.audience.kind,
            name: r.audience.name === undefined ? undefined : plainText(r.audience.name),
            people: r.audience.people.map(plainText),
            excluded: r.audience.excluded.map((e) => ({ displayName: plainText(e.displayName), reason: e.reason })),
          },
          createdAt: r.createdAt,
          status: status(r, now),
          revokedAt: r.revokedAt,
        })),
      });
    }),
  );

  router.post(
    '/api/shares/:permissionId/revoke',
    requireUser,
    asyncRoute(async (req: Request, res) => {
      const user = req.tabUser!;
      const permissionId = String(req.params.permissionId);
      const record = await fromStore(req, () => deps.shareLog.get(user.tenantId, permissionId, user.userObjectId));
      if (!record) {
        res.status(404).json({ message: texts(req).notYours });
        return;
      }
      if (record.revokedAt) {
        res.json({ status: 'revoked', revokedAt: record.revokedAt });
        return;
      }
      try {
        await deps.revoke(user, record);
        const at = new Date(deps.clock.now()).toISOString();
        await fromStore(req, () =>
          deps.shareLog.markRevoked(user.tenantId, record.permissionId, at, user.userObjectId),
        );
        res.json({ status: 'revoked', revokedAt: at });
      } catch (err) {
        if (isShareError(err) && (err.kind === 'signInRequired' || err.kind === 'consentRequired')) {
          // The tab asks Teams for a new token; with interactionRequired it asks non-silently, so Teams can show the
          // sign-in (MFA) that Conditional Access wants.
          res.status(401).json({
            message: errorSummary(err, req.header('accept-language')),
            kind: err.kind,
            interactionRequired: err.details.interactionRequired === true,
          });
          return;
        }
        if (isShareError(err)) {
          const code =
            err.kind === 'notFound' ? 404 : err.kind === 'accessDenied' ? 403 : err.kind === 'throttled' ? 429 : 502;
          if (err.details.retryAfterSeconds) res.setHeader('Retry-After', String(err.details.retryAfterSeconds));
          res.status(code).json({ message: errorSummary(err, req.header('accept-language')), kind: err.kind });
          return;
        }
        if (err instanceof ServiceUnavailableError) throw err;
        req.log.error({ err: (err as Error).message }, 'tab API: revoke failed');
        res.status(500).json({ message: texts(req).revokeFailed });
      }
    }),
  );
  return router;
}
