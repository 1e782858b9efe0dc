import { strict as assert } from 'node:assert';
import { interpretCreateLink } from '../../src/domain/interpret';
import { isShareError, ShareError } from '../../src/domain/errors';
import type { CreateLinkBody, LinkOptions, ShareOutcome } from '../../src/domain/types';
import type { DriveItemAddress } from '../../src/graph/driveClient';
import type { CallContext } from '../../src/share/shareService';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import { validateCreateLinkRequest, validateGraphResponse } from '../helpers/graphContract';
import {
  CONTOSO,
  USERS,
  assertNoSecretsLogged,
  invokeActivity,
  startHarness,
  type CapturedCall,
  type Harness,
} from './harness';

const D = GRAPH_SEED.drives;
const I = GRAPH_SEED.items;

/** Issue 4: the share core through the real libraries (msal-node OBO, Graph SDK, HTTP layer) against the sandbox. */
describe('integration: share core against the sandbox', function () {
  this.timeout(20_000);
  let h: Harness;
  const passwords = ['Tr0ub4dor&3-integration'];

  before(async () => {
    // Every drive kind, OneDrive personal included: a registration that admits personal accounts and other
    // organizations (the shipped aad.manifest.json admits neither; README "Which accounts and drives").
    h = await startHarness({ sandbox: { signInAudience: 'AzureADandPersonalMicrosoftAccount' } });
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.sandbox.faults.clear();
    h.clearCalls();
  });

  async function callAs(upn: string): Promise<CallContext> {
    const user = h.user(upn);
    const ssoToken = await h.sandbox.ssoToken(upn);
    h.secrets.add(ssoToken);
    const result = await h.services.auth.broker.getGraphToken({
      ssoToken,
      tenantId: user.tenantId,
      aadObjectId: user.id,
    });
    assert.equal(result.kind, 'token', `no Graph token for ${upn}: ${result.kind}`);
    if (result.kind !== 'token') throw new Error('unreachable');
    return {
      caller: { tenantId: user.tenantId, userObjectId: user.id },
      token: result.accessToken,
      deadline: Date.now() + 3000,
      timeZone: 'Europe/Berlin',
    };
  }

  const createLinkCalls = () => h.calls.filter((c) => /\/createLink$/.test(c.path.split('?')[0]));

  function assertContractRequest(call: CapturedCall): Record<string, unknown> {
    assert.match(call.path, /^\/v1\.0\//, `createLink must go to v1.0: ${call.path}`);
    const body = JSON.parse(call.body ?? 'null') as Record<string, unknown>;
    const r = validateCreateLinkRequest('v1.0', body);
    assert.ok(r.valid, `createLink body breaks the v1.0 contract: ${r.errors.join('; ')}`);
    return body;
  }

  async function assertExistsInGraph(owner: string, outcome: ShareOutcome) {
    const perms = await h.permissionsOf(owner, outcome.item.driveId, outcome.item.itemId);
    const p = perms.find((x) => x.id === outcome.permissionId);
    assert.ok(p, `permission ${outcome.permissionId} not on the item`);
    assert.equal(p.link?.webUrl, outcome.webUrl);
    assert.ok(validateGraphResponse('v1.0', 'permission', p).valid);
    return p;
  }

  interface DriveCase {
    name: string;
    user: string;
    owner: string;
    driveId: string;
    itemId: string;
    driveType: string;
    options: Partial<LinkOptions>;
    expect: { type: string; scope: string; roles: string[]; passwordProtected?: boolean };
    /** The other path forms that address the same item. */
    alternatives: Array<{ form: string; address: DriveItemAddress; path: RegExp }>;
  }

  const adele = () => h.user(USERS.adele);
  const pat = () => h.user(USERS.pat);
  const cases = (): DriveCase[] => [
    {
      name: 'OneDrive for Business',
      user: USERS.adele,
      owner: USERS.adele,
      driveId: D.adele,
      itemId: I.adelePlanDocx,
      driveType: 'business',
      options: { type: 'view', scope: 'organization' },
      expect: { type: 'view', scope: 'organization', roles: ['read'] },
      alternatives: [
        {
          form: 'me',
          address: { kind: 'me', itemId: I.adelePlanDocx },
          path: /^\/v1\.0\/me\/drive\/items\/01ADELE_PLAN_DOCX\/createLink$/,
        },
        {
          form: 'users',
          address: { kind: 'user', userId: adele().id, itemId: I.adelePlanDocx },
          path: new RegExp(`^/v1\\.0/users/${adele().id}/drive/items/01ADELE_PLAN_DOCX/createLink$`),
        },
      ],
    },
    {
      name: 'SharePoint library',
      user: USERS.adele,
      owner: USERS.megan,
      driveId: D.marketing,
      itemId: I.marketingLaunchDocx,
      driveType: 'documentLibrary',
      options: { type: 'edit', scope: 'organization' },
      expect: { type: 'edit', scope: 'organization', roles: ['write'] },
      alternatives: [
        {
          form: 'sites',
          address: { kind: 'site', siteId: GRAPH_SEED.siteMarketing, itemId: I.marketingLaunchDocx },
          path: /^\/v1\.0\/sites\/contoso\.sharepoint\.example%2C.*\/drive\/items\/01MARKETING_LAUNCH_DOCX\/createLink$/,
        },
      ],
    },
    {
      name: 'group drive',
      user: USERS.adele,
      owner: USERS.adele,
      driveId: D.projectFalcon,
      itemId: I.falconSpecDocx,
      driveType: 'documentLibrary',
      options: { type: 'review', scope: 'organization' },
      expect: { type: 'review', scope: 'organization', roles: ['read'] },
      alternatives: [
        {
          form: 'groups',
          address: { kind: 'group', groupId: GRAPH_SEED.groupProjectFalcon, itemId: I.falconSpecDocx },
          path: new RegExp(
            `^/v1\\.0/groups/${GRAPH_SEED.groupProjectFalcon}/drive/items/01FALCON_SPEC_DOCX/createLink$`,
          ),
        },
      ],
    },
    {
      name: 'OneDrive personal',
      user: USERS.pat,
      owner: USERS.pat,
      driveId: D.pat,
      itemId: I.patRecipesDocx,
      driveType: 'personal',
      options: { type: 'view', scope: 'anonymous', password: passwords[0] },
      expect: { type: 'view', scope: 'anonymous', roles: ['read'], passwordProtected: true },
      alternatives: [
        {
          form: 'me',
          address: { kind: 'me', itemId: I.patRecipesDocx },
          path: /^\/v1\.0\/me\/drive\/items\/8A3C5E1F00C0FFEE!102\/createLink$/,
        },
        {
          form: 'users',
          address: { kind: 'user', userId: pat().id, itemId: I.patRecipesDocx },
          path: new RegExp(`^/v1\\.0/users/${pat().id}/drive/items/8A3C5E1F00C0FFEE!102/createLink$`),
        },
      ],
    },
  ];

  const baseOptions: LinkOptions = {
    useOrganizationDefault: false,
    recipients: [],
    sendNotification: false,
    timeZone: 'Europe/Berlin',
  };

  const driveKinds = [
    'OneDrive for Business (also via /me and /users/{id})',
    'SharePoint library (also via /sites/{id})',
    'group drive (also via /groups/{id})',
    'OneDrive personal, with a password (also via /me and /users/{id})',
  ];
  driveKinds.forEach((label, index) => {
    it(`${label}: a new link (201) through /drives/{id}/items/{id}, then the same link (200) through the other path forms`, async () => {
      const c = cases()[index];
      const ctx = await callAs(c.user);
      const first = await h.services.shares.share(
        ctx,
        { driveId: c.driveId, itemId: c.itemId },
        { ...baseOptions, ...c.options },
      );
      const [sent] = createLinkCalls();
      assert.equal(createLinkCalls().length, 1, c.name);
      assert.equal(
        sent.path,
        `/v1.0/drives/${encodeURIComponent(c.driveId)}/items/${encodeURIComponent(c.itemId)}/createLink`,
      );
      const body = assertContractRequest(sent);
      assert.equal(body.type, c.expect.type);
      assert.equal(body.scope, c.expect.scope);
      assert.equal(sent.status, 201);
      assert.equal(first.reused, false, `${c.name}: 201 must read as a new link`);
      assert.equal(first.item.driveType, c.driveType);
      assert.equal(first.type, c.expect.type);
      assert.equal(first.scope, c.expect.scope);
      assert.deepEqual(first.roles, c.expect.roles);
      assert.equal(first.passwordProtected, c.expect.passwordProtected ?? false);
      assert.equal(first.apiVersion, 'v1.0');
      assert.deepEqual(first.differences, []);
      const perm = await assertExistsInGraph(c.owner, first);
      if (c.expect.passwordProtected) assert.equal(perm.hasPassword, true);

      for (const alt of c.alternatives) {
        h.clearCalls();
        const altBody: CreateLinkBody = {
          type: c.expect.type as CreateLinkBody['type'],
          scope: c.expect.scope as CreateLinkBody['scope'],
        };
        const res = await h.services.graph.createLink(alt.address, altBody, {
          token: ctx.token,
          deadline: Date.now() + 3000,
        });
        const [altSent] = createLinkCalls();
        assert.match(altSent.path, alt.path, `${c.name} via ${alt.form}`);
        assertContractRequest(altSent);
        assert.equal(res.status, 200, `${c.name} via ${alt.form}: the existing link`);
        assert.ok(validateGraphResponse('v1.0', 'permission', res.permission).valid);
        const outcome = interpretCreateLink(
          res.status,
          res.permission,
          { item: first.item, body: altBody, apiVersion: res.apiVersion, timeZone: 'Europe/Berlin' },
          Date.now(),
        );
        assert.equal(outcome.reused, true, `${c.name} via ${alt.form}: 200 must read as reused`);
        assert.equal(outcome.permissionId, first.permissionId);
        assert.equal(outcome.webUrl, first.webUrl);
      }
    });
  });

  it('sends all eight createLink parameters to v1.0 (never beta), and Graph honours them', async () => {
    const ctx = await callAs(USERS.adele);
    const megan = h.user(USERS.megan);
    const outboxBefore = h.sandbox.outbox().length;
    const outcome = await h.services.shares.share(
      ctx,
      { driveId: D.adele, itemId: I.adeleKickoffPptx },
      {
        ...baseOptions,
        type: 'edit',
        scope: 'users',
        recipients: [{ objectId: megan.id }],
        sendNotification: true,
        message: 'Slides for Thursday',
        expirationDate: '2099-06-30',
        retainInheritedPermissions: true,
      },
    );
    const pat = await callAs(USERS.pat);
    const personal = await h.services.shares.share(
      pat,
      { driveId: D.pat, itemId: I.patBeachPng },
      { ...baseOptions, type: 'view', scope: 'anonymous', password: passwords[0], expirationDate: '2099-01-31' },
    );
    const sentKeys = new Set<string>();
    for (const call of createLinkCalls()) Object.keys(assertContractRequest(call)).forEach((k) => sentKeys.add(k));
    assert.deepEqual([...sentKeys].sort(), [
      'expirationDateTime',
      'message',
      'password',
      'recipients',
      'retainInheritedPermissions',
      'scope',
      'sendNotification',
      'type',
    ]);
    assert.equal(h.calls.filter((c) => c.path.startsWith('/beta/')).length, 0, 'no beta call');
    assert.equal(outcome.apiVersion, 'v1.0');
    assert.equal(outcome.scope, 'users');
    assert.deepEqual(
      outcome.notified.map((r) => r.objectId),
      [megan.id],
    );
    // The sandbox tenant caps link lifetimes: Graph granted an earlier date, and the outcome says so.
    assert.ok(outcome.expiration.requested?.startsWith('2099-06-30'), outcome.expiration.requested);
    assert.ok(outcome.expiration.granted && outcome.expiration.granted < '2099', outcome.expiration.granted);
    assert.equal(outcome.expiration.clamped, true);
    assert.equal(personal.passwordProtected, true);
    const perm = await assertExistsInGraph(USERS.adele, outcome);
    assert.ok(
      JSON.stringify(perm.grantedToIdentitiesV2 ?? perm.grantedToIdentities).includes(megan.id),
      'Megan was granted access',
    );
    const mails = h.sandbox.outbox().slice(outboxBefore) as Array<{ to: string; message?: string }>;
    assert.equal(mails.length, 1);
    assert.equal(mails[0].to.toLowerCase(), megan.mail.toLowerCase());
    assert.equal(mails[0].message, 'Slides for Thursday');
  });

  it("a submit carrying the dialog's sealed item is exactly one Graph call (createLink), even with the item forgotten", async () => {
    const ctx = await callAs('adele@contoso.example');
    const ref = { driveId: D.adele, itemId: I.adeleDiagramPng };
    const item = await h.services.graph.getItem(ref, { token: ctx.token, deadline: ctx.deadline });
    const sealed = h.services.shares.sealItem(ctx.caller, item);
    assert.ok(sealed, 'the app seals dialog items');
    h.clearCalls();
    // A fresh share core (another instance, or one whose item cache expired) with the app's seal key.
    const options: LinkOptions = {
      useOrganizationDefault: false,
      type: 'edit',
      scope: 'organization',
      recipients: [],
      sendNotification: false,
    };
    const outcome = await h.services.shares.share(ctx, ref, options, { sealedItem: sealed });
    assert.equal(outcome.item.name, item.name);
    assert.deepEqual(
      h.calls.map((c) => `${c.method} ${c.path.split('?')[0].replace(/^\/(v1\.0|beta)/, '')}`),
      [`POST /drives/${D.adele}/items/${I.adeleDiagramPng}/createLink`],
    );
    // A forged seal (Megan replaying Adele's dialog) is not trusted: Megan's item is looked up with her token.
    // (Megan's Graph token straight from the sandbox: the broker's per-person cache stays untouched for later tests.)
    const meganUser = h.user(USERS.megan);
    const megan: CallContext = {
      caller: { tenantId: meganUser.tenantId, userObjectId: meganUser.id },
      token: await h.sandbox.graphToken(USERS.megan),
      deadline: Date.now() + 3000,
    };
    h.clearCalls();
    await assert.rejects(
      h.services.shares.share(megan, ref, { ...options, type: 'view' }, { sealedItem: sealed }),
      (err: unknown) => isShareError(err),
    );
    assert.ok(
      h.calls.some((c) => c.method === 'GET' && c.path.includes(I.adeleDiagramPng)),
      "the item was looked up with Megan's token instead of trusting the seal",
    );
  });

  it('makes exactly one Entra OBO request for several invokes carrying the same SSO token', async () => {
    const alex = h.user(USERS.alex);
    const sso = await h.sandbox.ssoToken(USERS.alex);
    h.secrets.add(sso);
    h.sandbox.resetStats();
    for (let i = 0; i < 4; i++) {
      const reply = await h.send(
        invokeActivity(alex, 'composeExtension/query', {
          commandId: 'findFile',
          parameters: [{ name: 'query', value: 'plan' }],
          queryOptions: { skip: 0, count: 10 },
          authentication: { token: sso },
        }),
      );
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
      assert.equal(reply.body.composeExtension.type, 'result');
    }
    assert.equal(h.sandbox.count('entra.token.obo'), 1);
    assert.equal(h.sandbox.count('graph.search'), 4);
  });

  it('reports consent required for a user who has not consented (Lee)', async () => {
    const lee = h.user(USERS.lee);
    const sso = await h.sandbox.ssoToken(USERS.lee);
    h.secrets.add(sso);
    h.sandbox.resetStats();
    const result = await h.services.auth.broker.getGraphToken({
      ssoToken: sso,
      tenantId: CONTOSO,
      aadObjectId: lee.id,
    });
    assert.equal(result.kind, 'consentRequired');
    assert.equal(h.sandbox.count('entra.token.obo'), 1, 'Entra was asked and said AADSTS65001');
    assert.equal(h.sandbox.count('graph.'), 0);
  });

  it('rejects an expired or foreign-audience SSO token before any network call', async () => {
    const megan = h.user(USERS.megan);
    const now = Math.floor(Date.now() / 1000);
    const expired = await h.sandbox.ssoToken(USERS.megan, { nowSeconds: now - 7200, lifetimeSeconds: 3600 });
    const foreign = await h.sandbox.ssoToken(USERS.megan, {
      audience: 'api://someone-else.example/11111111-2222-4333-8444-555555555555',
    });
    h.secrets.add(expired).add(foreign);
    h.sandbox.resetStats();
    const broker = h.services.auth.broker;
    const fromExpired = await broker.getGraphToken({ ssoToken: expired, tenantId: CONTOSO, aadObjectId: megan.id });
    assert.equal(fromExpired.kind, 'signInRequired', 'an expired token is no identity: sign-in instead');
    await assert.rejects(
      broker.getGraphToken({ ssoToken: foreign, tenantId: CONTOSO, aadObjectId: megan.id }),
      (err: Error) => err.name === 'InvalidSsoTokenError',
    );
    assert.equal(h.sandbox.stats().total.count, 0, JSON.stringify(h.sandbox.stats().byKind));
  });

  it('retries a 429 with Retry-After 1 s once and succeeds', async () => {
    const ctx = await callAs(USERS.adele);
    h.sandbox.faults.add({ kind: 'graph.createLink', status: 429, retryAfter: 1, times: 1 });
    const started = performance.now();
    const outcome = await h.services.shares.share(
      ctx,
      { driveId: D.adele, itemId: I.adeleContractPdf },
      { ...baseOptions, type: 'view', scope: 'organization' },
    );
    const elapsed = performance.now() - started;
    assert.deepEqual(
      createLinkCalls().map((c) => c.status),
      [429, 201],
    );
    assert.ok(elapsed >= 900, `waited Retry-After (${elapsed.toFixed(0)} ms)`);
    assert.ok(elapsed < 2500, `within the budget (${elapsed.toFixed(0)} ms)`);
    await assertExistsInGraph(USERS.adele, outcome);
  });

  it('answers "throttled, retry after 30 s" at once when Retry-After does not fit the deadline', async () => {
    const ctx = await callAs(USERS.adele);
    h.sandbox.faults.add({ kind: 'graph.createLink', status: 429, retryAfter: 30, times: 1 });
    const started = performance.now();
    const err = await h.services.shares
      .share(
        ctx,
        { driveId: D.adele, itemId: I.adeleDiagramPng },
        { ...baseOptions, type: 'view', scope: 'organization' },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    const elapsed = performance.now() - started;
    assert.ok(isShareError(err), String(err));
    assert.equal((err as ShareError).kind, 'throttled');
    assert.equal((err as ShareError).details.retryAfterSeconds, 30);
    assert.match((err as ShareError).message, /30 s|30 seconds/);
    assert.ok(elapsed < 1500, `answered in ${elapsed.toFixed(0)} ms`);
    assert.equal(createLinkCalls().length, 1, 'no second createLink');
  });

  it('over HTTP: a 30 s throttle becomes a "try again in 30 seconds" dialog well within Teams\' wait', async () => {
    const adeleUser = h.user(USERS.adele);
    h.sandbox.signIn(USERS.adele);
    h.sandbox.faults.add({ kind: 'graph.createLink', status: 429, retryAfter: 30, times: 1 });
    const reply = await h.send(
      invokeActivity(adeleUser, 'composeExtension/submitAction', {
        commandId: 'shareLink',
        commandContext: 'compose',
        data: {
          action: 'create',
          driveId: D.adele,
          itemId: I.adeleNotesTxt,
          timeZone: 'Europe/Berlin',
          type: 'view',
          scope: 'organization',
          useOrganizationDefault: 'false',
        },
      }),
    );
    assert.equal(reply.status, 200);
    assert.equal(reply.body.task.type, 'continue');
    assert.match(JSON.stringify(reply.body.task.value.card), /30 s|30 seconds/);
    assert.ok(reply.elapsedMs < 1500, `answered in ${reply.elapsedMs.toFixed(0)} ms`);
    assert.equal(createLinkCalls().length, 1);
  });

  const createOverHttp = (itemId: string) =>
    h.send(
      invokeActivity(h.user(USERS.adele), 'composeExtension/submitAction', {
        commandId: 'shareLink',
        commandContext: 'compose',
        data: {
          action: 'create',
          driveId: D.adele,
          itemId,
          timeZone: 'Europe/Berlin',
          type: 'view',
          scope: 'organization',
          useOrganizationDefault: 'false',
        },
      }),
    );

  it('over HTTP: a 429 with Retry-After 1 s is retried inside the invoke and the card comes back', async () => {
    h.sandbox.signIn(USERS.adele);
    h.sandbox.faults.add({ kind: 'graph.createLink', status: 429, retryAfter: 1, times: 1 });
    const reply = await createOverHttp(I.adeleDemoMp4);
    assert.equal(reply.body.composeExtension?.type, 'result', JSON.stringify(reply.body).slice(0, 300));
    assert.deepEqual(
      createLinkCalls().map((c) => c.status),
      [429, 201],
    );
    assert.ok(reply.elapsedMs < 3000, `answered in ${reply.elapsedMs.toFixed(0)} ms`);
  });

  it('over HTTP: Graph hanging for 6 s still gets an answer within the 3 s invoke budget', async () => {
    h.sandbox.signIn(USERS.adele);
    h.sandbox.faults.add({ kind: 'graph.createLink', latencyMs: 6000, times: 1 });
    const reply = await createOverHttp(I.adeleRetroPdf);
    assert.equal(reply.status, 200);
    assert.equal(reply.body.task?.type, 'continue', 'an error dialog, not a hang');
    assert.match(JSON.stringify(reply.body.task.value.card), /[Tt]ry again/);
    assert.ok(reply.elapsedMs < 3000, `answered in ${reply.elapsedMs.toFixed(0)} ms`);
  });

  it('retries a 503 (not processed) and creates one link', async () => {
    const ctx = await callAs(USERS.adele);
    h.sandbox.faults.add({ kind: 'graph.createLink', status: 503, times: 1 });
    const outcome = await h.services.shares.share(
      ctx,
      { driveId: D.adele, itemId: I.adeleBriefDocx },
      { ...baseOptions, type: 'view', scope: 'organization' },
    );
    assert.deepEqual(
      createLinkCalls().map((c) => c.status),
      [503, 201],
    );
    const perms = await h.permissionsOf(USERS.adele, D.adele, I.adeleBriefDocx);
    assert.equal(perms.filter((p) => p.link?.scope === 'organization' && p.link?.type === 'view').length, 1);
    assert.equal(outcome.reused, false);
  });

  for (const fault of [{ status: 504 as const }, { drop: true }]) {
    const label = 'drop' in fault ? 'a dropped connection' : 'a 504';
    it(`treats ${label} on a notifying createLink as transient without a retry, so nobody is mailed twice`, async () => {
      const ctx = await callAs(USERS.adele);
      const megan = h.user(USERS.megan);
      const itemId = 'drop' in fault ? I.adeleTimelineXlsx : I.adeleLongNameDocx;
      const options: LinkOptions = {
        ...baseOptions,
        type: 'view',
        scope: 'users',
        recipients: [{ objectId: megan.id }],
        sendNotification: true,
      };
      const outboxBefore = h.sandbox.outbox().length;
      h.sandbox.faults.add({ kind: 'graph.createLink', times: 1, ...fault });
      const err = await h.services.shares.share(ctx, { driveId: D.adele, itemId }, options).then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.ok(isShareError(err), String(err));
      assert.equal((err as ShareError).kind, 'transient');
      assert.equal(createLinkCalls().length, 1, 'a request that may have mailed people is not repeated');
      // The person tries again: one link, one email.
      const outcome = await h.services.shares.share(
        { ...ctx, deadline: Date.now() + 3000 },
        { driveId: D.adele, itemId },
        options,
      );
      assert.equal(createLinkCalls().length, 2);
      assert.equal(h.sandbox.outbox().length - outboxBefore, 1);
      await assertExistsInGraph(USERS.adele, outcome);
    });
  }

  it('retries a 504 when the request sends no email (a repeat is harmless)', async () => {
    const ctx = await callAs(USERS.adele);
    h.sandbox.faults.add({ kind: 'graph.createLink', status: 504, times: 1 });
    await h.services.shares.share(
      ctx,
      { driveId: D.marketing, itemId: I.marketingBrandPptx },
      { ...baseOptions, type: 'view', scope: 'organization' },
    );
    assert.deepEqual(
      createLinkCalls().map((c) => c.status),
      [504, 201],
    );
  });

  it('a repeated identical submit creates one link and sends one notification', async () => {
    const adeleUser = h.user(USERS.adele);
    const megan = h.user(USERS.megan);
    h.sandbox.signIn(USERS.adele);
    const outboxBefore = h.sandbox.outbox().length;
    const submit = invokeActivity(adeleUser, 'composeExtension/submitAction', {
      commandId: 'shareLink',
      commandContext: 'compose',
      data: {
        action: 'create',
        driveId: D.adele,
        itemId: I.adeleBudgetXlsx,
        timeZone: 'Europe/Berlin',
        useOrganizationDefault: 'false',
        type: 'edit',
        scope: 'users',
        recipients: megan.id,
        sendNotification: 'true',
        message: 'Numbers',
      },
    });
    const replies = [await h.send(submit), await h.send({ ...submit })];
    const concurrent = await Promise.all([h.send({ ...submit }), h.send({ ...submit })]);
    for (const r of [...replies, ...concurrent]) {
      assert.equal(r.status, 200);
      assert.equal(r.body.composeExtension.type, 'result', JSON.stringify(r.body));
    }
    const ids = [...replies, ...concurrent].map((r) =>
      JSON.stringify(r.body.composeExtension.attachments[0].content.refresh.action.data),
    );
    assert.equal(new Set(ids).size, 1, 'the same link every time');
    assert.equal(createLinkCalls().length, 1);
    assert.equal(h.sandbox.outbox().length - outboxBefore, 1);
  });

  it('never writes a token, password, secret or SSO assertion to the log', () => {
    assert.ok(h.secrets.size > 5, 'tokens were seen on the wire');
    assertNoSecretsLogged(h, passwords);
  });
});
