import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { FaultRuleError, type FaultController, type FaultRule } from './faults';
import type { LatencyProfile, SandboxStats } from './state';
import type { SandboxUser } from './tenant-data';
import { FidelitySwitchError, type FidelitySwitches } from './fidelity';

/** What the admin API can do to a running sandbox. */
export interface AdminControls {
  faults: FaultController;
  stats(): SandboxStats;
  resetStats(): void;
  reset(): void;
  outbox(): unknown[];
  users(): SandboxUser[];
  ssoToken(user: string, opts?: { audience?: string; lifetimeSeconds?: number }): Promise<string>;
  signIn(user: string, opts?: { connectionName?: string; channelId?: string }): void;
  setConsent(user: string, consented: boolean): void;
  fidelity(): FidelitySwitches;
  requireInteraction(user: string, challenge: 'mfa' | 'mfaRegistration' | undefined): void;
  setFidelity(switches: Partial<FidelitySwitches>): FidelitySwitches;
}

function wrap(fn: (req: Request, res: Response) => Promise<void> | void) {
  return (req: Request, res: Response, next: NextFunction) => {
    Promise.resolve()
      .then(() => fn(req, res))
      .catch(next);
  };
}

const bad = (res: Response, message: string) => void res.status(400).json({ error: { code: 'badRequest', message } });

/**
 * The sandbox's own control surface under `/admin` (never part of any Microsoft API): faults, latency, reset,
 * stats, the notification outbox, users, SSO tokens and up-front Token Service sign-ins.
 */
export function createAdminRouter(controls: AdminControls): Router {
  const router = Router();
  router.use('/admin', express.json({ limit: '64kb' }));

  // Per-user Conditional Access: {"user": "...", "challenge": "mfa" | "mfaRegistration" | null}.
  router.post(
    '/admin/interaction',
    wrap((req, res) => {
      const { user, challenge } = (req.body ?? {}) as { user?: unknown; challenge?: unknown };
      if (typeof user !== 'string') return bad(res, 'user is required.');
      if (challenge !== null && challenge !== undefined && challenge !== 'mfa' && challenge !== 'mfaRegistration')
        return bad(res, 'challenge must be "mfa", "mfaRegistration" or null.');
      try {
        controls.requireInteraction(user, challenge ?? undefined);
      } catch (err) {
        return bad(res, (err as Error).message);
      }
      res.json({ user, challenge: challenge ?? null });
    }),
  );
  // Switches for behaviours where real tenants differ (sandbox/fidelity.ts); PUT changes the ones given.
  router.get('/admin/fidelity', (_req, res) => {
    res.json(controls.fidelity());
  });
  router.put(
    '/admin/fidelity',
    wrap((req, res) => {
      try {
        res.json(controls.setFidelity(req.body as Partial<FidelitySwitches>));
      } catch (err) {
        if (err instanceof FidelitySwitchError) return bad(res, err.message);
        throw err;
      }
    }),
  );
  router.get('/admin/faults', (_req, res) => {
    res.json({ rules: controls.faults.list(), latencyProfile: controls.faults.latencyProfile });
  });
  // Body: one rule, an array of rules, or {rules: [...], replace: true}.
  router.post(
    '/admin/faults',
    wrap((req, res) => {
      const body = req.body as FaultRule | FaultRule[] | { rules: FaultRule[]; replace?: boolean };
      const replace = !Array.isArray(body) && 'rules' in body && body.replace === true;
      const rules = Array.isArray(body)
        ? body
        : 'rules' in body && Array.isArray(body.rules)
          ? body.rules
          : [body as FaultRule];
      try {
        const ids = replace ? controls.faults.set(rules) : controls.faults.add(...rules);
        res.status(201).json({ ids, rules: controls.faults.list() });
      } catch (err) {
        if (err instanceof FaultRuleError) return bad(res, err.message);
        throw err;
      }
    }),
  );
  router.delete('/admin/faults', (_req, res) => {
    controls.faults.clear();
    res.status(204).end();
  });
  router.delete('/admin/faults/:id', (req, res) => {
    controls.faults.clear(Number(req.params.id));
    res.status(204).end();
  });
  router.put('/admin/latency', (req, res) => {
    const profile = req.body as LatencyProfile;
    if (!profile || typeof profile !== 'object' || Object.values(profile).some((v) => typeof v !== 'number' || v < 0)) {
      return bad(
        res,
        'The latency profile maps route groups (token, metadata, tokenService, createLink, itemLookup, search, permissions, graph) to milliseconds.',
      );
    }
    controls.faults.latencyProfile = profile;
    res.json({ latencyProfile: profile });
  });

  router.post('/admin/reset', (_req, res) => {
    controls.reset();
    res.status(204).end();
  });
  router.get('/admin/stats', (_req, res) => {
    res.json(controls.stats());
  });
  router.delete('/admin/stats', (_req, res) => {
    controls.resetStats();
    res.status(204).end();
  });
  router.get('/admin/outbox', (_req, res) => {
    res.json({ value: controls.outbox() });
  });
  router.get('/admin/users', (_req, res) => {
    res.json({
      value: controls.users().map((u) => ({
        id: u.id,
        tenantId: u.tenantId,
        displayName: u.displayName,
        userPrincipalName: u.userPrincipalName,
        teamsId: u.teamsId,
        consented: u.consented,
      })),
    });
  });
  router.post(
    '/admin/sso-token',
    wrap(async (req, res) => {
      const user = String(req.body?.user ?? '');
      if (!user) return bad(res, 'Name the user (UPN, object id or Teams id) in "user".');
      try {
        res.json({
          token: await controls.ssoToken(user, {
            audience: req.body?.audience,
            lifetimeSeconds: req.body?.lifetimeSeconds,
          }),
        });
      } catch (err) {
        bad(res, (err as Error).message);
      }
    }),
  );
  router.post('/admin/signin', (req, res) => {
    try {
      controls.signIn(String(req.body?.user ?? ''), {
        connectionName: req.body?.connectionName,
        channelId: req.body?.channelId,
      });
      res.status(204).end();
    } catch (err) {
      bad(res, (err as Error).message);
    }
  });
  router.post('/admin/consent', (req, res) => {
    if (typeof req.body?.consented !== 'boolean') return bad(res, '"consented" must be true or false.');
    try {
      controls.setConsent(String(req.body?.user ?? ''), req.body.consented);
      res.status(204).end();
    } catch (err) {
      bad(res, (err as Error).message);
    }
  });
  return router;
}
