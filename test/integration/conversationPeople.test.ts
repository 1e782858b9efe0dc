import { strict as assert } from 'node:assert';
import { GRAPH_SEED } from '../../sandbox/graph/seedIds';
import {
  USERS,
  findAll,
  inputById,
  invokeActivity,
  signInOnPage,
  startHarness,
  type ActivityOptions,
  type Harness,
} from './harness';
import { createData } from './journeys';

const D = GRAPH_SEED.drives;
const I = GRAPH_SEED.items;
const ID = {
  adele: '0a1d0000-0000-4000-8000-0000000ade1e',
  megan: '0a1d0000-0000-4000-8000-000000000e9a',
  lee: '0a1d0000-0000-4000-8000-0000000001ee',
  alex: '0a1d0000-0000-4000-8000-0000000a11a1',
  diego: '0a1d0000-0000-4000-8000-00000000d1e9',
  /** Riley of Northwind: a B2B guest account in Contoso, a member of the Project Falcon team. */
  riley: '0a1d0000-0000-4000-8000-0000000e1e57',
};
const DIEGO = 'diego@contoso.example';
/** Seeded conversations (sandbox/data/tenant.json `chats`). */
const CHAT = {
  group: '19:share-link-sandbox-group@thread.v2',
  meeting: '19:meeting_RmFsY29uIGRlc2lnbiByZXZpZXc@thread.v2',
  oneOnOne: `19:${ID.adele}_${ID.megan}@unq.gbl.spaces`,
  guests: '19:falcon-northwind@thread.v2',
  large: '19:contoso-all-hands@thread.v2',
};
/** Seeded teams (`teams` in sandbox/data/tenant.json), whose members the Bot Framework roster serves. */
const TEAM = {
  /** The team and channel of the harness's channel invokes; Share Link is installed there. */
  falcon: { teamId: '19:team@thread.skype', channelId: '19:9d3c71104f8c49128368b23a5eaeb86d@thread.skype' },
  noApp: { teamId: '19:contoso-sales@thread.tacv2', channelId: '19:contoso-sales-deals@thread.tacv2' },
  everyone: { teamId: '19:contoso-everyone@thread.tacv2', channelId: '19:contoso-everyone-news@thread.tacv2' },
  /** Project Falcon's private channel "Legal": Adele, Megan and Diego only (not Alex, Lee or Riley of the team). */
  legal: { teamId: '19:team@thread.skype', channelId: '19:falcon-legal-private@thread.tacv2' },
  /** Project Falcon's shared channel "Partners": Adele, Alex and Noah of Fabrikam (another organization). */
  partners: { teamId: '19:team@thread.skype', channelId: '19:falcon-partners-shared@thread.tacv2' },
  /** Project Falcon's private channel "HR", which Share Link was not added to (the team has it). */
  hr: { teamId: '19:team@thread.skype', channelId: '19:falcon-hr-private@thread.tacv2' },
};
/** Project Falcon members who are in none of the channels above but the standard one. */
const NOT_IN_LEGAL = [ID.alex, ID.lee, ID.riley];

/**
 * Issue 13: "People in this chat / channel / meeting" over HTTP with channel JWTs, per context. The createLink body
 * must carry exactly the people chosen, the card must say who can open the link (and who cannot), and
 * notifications go out only when asked.
 */
describe('integration: People in this chat', function () {
  this.timeout(20_000);
  let h: Harness;

  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele, DIEGO] } });
  });
  after(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.sandbox.reset();
    h.clearCalls();
  });

  const submit = (upn: string, data: Record<string, unknown>, opts: ActivityOptions, extra: object = {}) =>
    h.send(
      invokeActivity(
        h.user(upn),
        'composeExtension/submitAction',
        { commandId: 'shareLink', commandContext: 'compose', context: { theme: 'default' }, data, ...extra },
        opts,
      ),
    );
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const dialogCard = (body: any) => {
    assert.equal(body?.task?.type, 'continue', JSON.stringify(body).slice(0, 600));
    return body.task.value.card.content;
  };
  const optionsFor = async (
    upn: string,
    opts: ActivityOptions,
    driveId: string = D.adele,
    itemId: string = I.adelePlanDocx,
  ) => dialogCard((await submit(upn, { action: 'pick', driveId, itemId }, opts)).body);
  const scopeChoices = (card: unknown) =>
    (inputById(card, 'scope')?.choices ?? []) as Array<{ title: string; value: string }>;
  /** Names are wrapped in Unicode isolates (bidi-safe); the assertions read the text without them. */
  const plain = (s: string) => s.replace(/[\u2066-\u2069]/g, '');
  const peopleChoice = (card: unknown) => {
    const c = scopeChoices(card).find((x) => x.value === 'conversation');
    return c ? { ...c, title: plain(c.title) } : undefined;
  };
  /** The "Create link" data of the dialog plus the inputs as Teams would submit them. */
  const createFrom = (card: unknown, inputs: Record<string, string>) => {
    const data = findAll(card, (o) => o.data?.action === 'create')[0]?.data;
    assert.ok(data, 'a Create link action');
    return createData({ ...data, ...inputs });
  };
  const createLinkBodies = () =>
    h.calls.filter((c) => c.method === 'POST' && /\/createLink$/.test(c.path)).map((c) => JSON.parse(c.body ?? '{}'));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const linkCard = (body: any) => {
    assert.equal(body?.composeExtension?.type, 'result', JSON.stringify(body).slice(0, 800));
    return body.composeExtension.attachments[0].content;
  };
  const text = (card: unknown) => plain(JSON.stringify(card));

  it('group chat: the choice names the people; the link is made for exactly the ones kept, nobody is emailed', async () => {
    const opts: ActivityOptions = { conversationId: CHAT.group };
    const card = await optionsFor(USERS.adele, opts);
    const choice = peopleChoice(card);
    assert.ok(choice, `the scope choices: ${JSON.stringify(scopeChoices(card))}`);
    assert.match(choice.title, /^People in Share Link sandbox group: Megan, Alex and 2 others$/);
    const people = inputById(card, 'conversationPeople');
    assert.deepEqual(
      (people?.choices as Array<{ value: string }>).map((c) => c.value).sort(),
      [ID.megan, ID.alex, ID.lee, ID.diego].sort(),
      'everyone but the sharer, removable',
    );
    assert.equal(inputById(card, 'sendNotification')?.value, 'false', 'notify is off by default');

    const kept = [ID.megan, ID.alex, ID.diego].join(',');
    const reply = await submit(
      USERS.adele,
      createFrom(card, { scope: 'conversation', conversationPeople: kept }),
      opts,
    );
    const bodies = createLinkBodies();
    assert.equal(bodies.length, 1);
    assert.equal(bodies[0].scope, 'users');
    assert.deepEqual(
      (bodies[0].recipients as Array<{ objectId: string }>).map((r) => r.objectId).sort(),
      [ID.megan, ID.alex, ID.diego].sort(),
      'exactly the people kept (Lee was removed)',
    );
    assert.notEqual(bodies[0].sendNotification, true);
    assert.deepEqual(h.sandbox.outbox(), [], 'no email');
    const posted = text(linkCard(reply.body));
    assert.match(posted, /People in Share Link sandbox group: Megan Bowen, Alex Wilber, Diego Siciliani/);
    assert.doesNotMatch(posted, /Lee Gu/);

    // The share log keeps "people in <chat name>" and the list at the time of sharing.
    const records = await h.services.shareLog.listByUser(h.user(USERS.adele).tenantId, ID.adele, 5);
    assert.equal(records[0].audience?.name, 'Share Link sandbox group');
    assert.deepEqual(records[0].audience?.people, ['Megan Bowen', 'Alex Wilber', 'Diego Siciliani']);
  });

  it('group chat with "Email the people above" on: exactly the kept people are emailed, with the message', async () => {
    const opts: ActivityOptions = { conversationId: CHAT.group };
    const card = await optionsFor(USERS.adele, opts, D.adele, I.adeleKickoffPptx);
    await submit(
      USERS.adele,
      createFrom(card, {
        scope: 'conversation',
        conversationPeople: [ID.megan, ID.alex].join(','),
        sendNotification: 'true',
        message: 'For Thursday',
      }),
      opts,
    );
    const mails = h.sandbox.outbox() as Array<{ to: string; message?: string }>;
    assert.deepEqual(mails.map((m) => m.to).sort(), ['alex@contoso.example', 'megan@contoso.example']);
    assert.ok(mails.every((m) => m.message === 'For Thursday'));
  });

  it('meeting: "People in <meeting title>", from the meeting chat', async () => {
    const opts: ActivityOptions = { conversationId: CHAT.meeting, meetingId: 'MCMxOTptZWV0aW5n' };
    const card = await optionsFor(USERS.adele, opts);
    assert.equal(peopleChoice(card)?.title, 'People in Falcon design review: Megan and Alex');
    const reply = await submit(
      USERS.adele,
      createFrom(card, { scope: 'conversation', conversationPeople: [ID.megan, ID.alex].join(',') }),
      opts,
    );
    assert.deepEqual(
      (createLinkBodies()[0].recipients as Array<{ objectId: string }>).map((r) => r.objectId).sort(),
      [ID.megan, ID.alex].sort(),
    );
    assert.match(text(linkCard(reply.body)), /People in Falcon design review: Megan Bowen, Alex Wilber/);
  });

  it('one-to-one chat between two people: the other person', async () => {
    const opts: ActivityOptions = { conversationType: 'personal', conversationId: CHAT.oneOnOne };
    const card = await optionsFor(USERS.adele, opts);
    assert.equal(peopleChoice(card)?.title, 'People in this chat: Megan');
    await submit(USERS.adele, createFrom(card, { scope: 'conversation', conversationPeople: ID.megan }), opts);
    assert.deepEqual(createLinkBodies()[0].recipients, [{ objectId: ID.megan }]);
  });

  it('the chat with Share Link itself: no choice, and the dialog says why', async () => {
    const card = await optionsFor(USERS.adele, { conversationType: 'personal' });
    assert.equal(peopleChoice(card), undefined);
    assert.match(text(card), /“People in this chat” isn't available: this is your chat with Share Link/);
  });

  it('a chat larger than the limit: no choice, the dialog gives the count; a forged submit is refused', async () => {
    const opts: ActivityOptions = { conversationId: CHAT.large };
    const card = await optionsFor(USERS.adele, opts);
    assert.equal(peopleChoice(card), undefined);
    assert.match(text(card), /it has 60 people, and Share Link makes a link for specific people for at most 50/);
    const forged = await submit(
      USERS.adele,
      { ...createFrom(card, { scope: 'conversation', conversationPeople: ID.megan }) },
      opts,
    );
    assert.match(text(dialogCard(forged.body)), /it has 60 people/);
    assert.equal(createLinkBodies().length, 0, 'no link was made');
  });

  it('people from other organizations: by email where Graph reports one; the others are listed, not dropped', async () => {
    const opts: ActivityOptions = { conversationId: CHAT.guests };
    const card = await optionsFor(USERS.adele, opts);
    assert.equal(peopleChoice(card)?.title, 'People in Falcon with Northwind: Alex, Jordan and 1 other');
    const people = (inputById(card, 'conversationPeople')?.choices ?? []) as Array<{ title: string; value: string }>;
    assert.deepEqual(
      people.map((p) => plain(p.title)),
      ['Alex Wilber', 'Jordan Rivera (outside your organization)'],
    );
    assert.match(text(card), /Can't be given the link: Sam Okafor — no email address is known for them/);
    const reply = await submit(
      USERS.adele,
      createFrom(card, { scope: 'conversation', conversationPeople: people.map((p) => p.value).join(',') }),
      opts,
    );
    assert.deepEqual(createLinkBodies()[0].recipients, [{ objectId: ID.alex }, { email: 'jordan@northwind.example' }]);
    const posted = text(linkCard(reply.body));
    assert.match(posted, /Alex Wilber, Jordan Rivera/);
    assert.match(posted, /Can't open it/);
    assert.match(posted, /Sam Okafor — no email address is known for them/);
  });

  it('no consent to read chat members: the dialog offers "Give permission"; after signing in the choice is there', async () => {
    const opts: ActivityOptions = { conversationId: CHAT.group };
    const falcon = { driveId: D.projectFalcon, itemId: I.falconSpecDocx };
    const card = await optionsFor(DIEGO, opts, falcon.driveId, falcon.itemId);
    assert.equal(peopleChoice(card), undefined);
    assert.match(text(card), /Share Link needs your permission to see who is here/);
    const grant = findAll(card, (o) => o.data?.action === 'grantPeople')[0];
    assert.ok(grant, 'a "Give permission" button');

    // A dialog is open, so the sign-in is a dialog (as every sign-in from an action command): "Sign in", a code box,
    // and "Continue", which comes back to this file's options.
    const signIn = dialogCard((await submit(DIEGO, grant.data, opts)).body);
    assert.ok(inputById(signIn, 'signInCode'), 'the sign-in dialog');
    const link = findAll(signIn, (o) => o.type === 'Action.OpenUrl')[0]?.url as string;
    assert.match(link, /\/tokenservice\/api\/oauth\/signin/);
    const next = findAll(signIn, (o) => o.data?.action === 'signedIn')[0]?.data;
    assert.deepEqual(next, { action: 'signedIn', ...falcon });
    const code = await signInOnPage(h, link, DIEGO);

    const again = dialogCard((await submit(DIEGO, { ...next, signInCode: code }, opts)).body);
    assert.match(peopleChoice(again)?.title ?? '', /^People in Share Link sandbox group: Adele, Megan and 2 others$/);
  });

  it('"Give permission" answered by a sign-in Teams ran itself (the submit re-sent with the magic code): the choice is there', async () => {
    // The app still holds the token of the test before (with the permission): start from the one without it.
    await h.services.auth.broker.forget(h.user(DIEGO).tenantId, ID.diego);
    const opts: ActivityOptions = { conversationId: CHAT.group };
    const falcon = { driveId: D.projectFalcon, itemId: I.falconSpecDocx };
    const grant = findAll(
      await optionsFor(DIEGO, opts, falcon.driveId, falcon.itemId),
      (o) => o.data?.action === 'grantPeople',
    )[0];
    const signIn = dialogCard((await submit(DIEGO, grant.data, opts)).body);
    const code = await signInOnPage(h, findAll(signIn, (o) => o.type === 'Action.OpenUrl')[0]?.url as string, DIEGO);
    const again = dialogCard((await submit(DIEGO, grant.data, opts, { state: code })).body);
    assert.match(peopleChoice(again)?.title ?? '', /^People in Share Link sandbox group: Adele, Megan and 2 others$/);
  });

  it('search and share in one step: in a group chat the link is for the people of the chat, nobody emailed', async () => {
    const reply = await h.send(
      invokeActivity(
        h.user(USERS.adele),
        'composeExtension/selectItem',
        { driveId: D.adele, itemId: I.adeleBudgetXlsx },
        { conversationId: CHAT.group },
      ),
    );
    const body = createLinkBodies()[0];
    assert.equal(body.scope, 'users');
    assert.equal(body.type, 'view');
    assert.deepEqual(
      (body.recipients as Array<{ objectId: string }>).map((r) => r.objectId).sort(),
      [ID.megan, ID.alex, ID.lee, ID.diego].sort(),
    );
    assert.notEqual(body.sendNotification, true);
    assert.deepEqual(h.sandbox.outbox(), []);
    assert.match(text(linkCard(reply.body)), /People in Share Link sandbox group/);
  });

  it('search and share in the chat with Share Link: the organization default link, as before', async () => {
    await h.send(
      invokeActivity(
        h.user(USERS.adele),
        'composeExtension/selectItem',
        { driveId: D.adele, itemId: I.adeleBudgetXlsx },
        { conversationType: 'personal' },
      ),
    );
    const body = createLinkBodies()[0];
    assert.equal(body.scope, undefined);
    assert.equal(body.recipients, undefined);
  });

  it("Graph's chat members failing (503) or hanging: the dialog still opens in time, without the choice and with the reason", async () => {
    const opts: ActivityOptions = { conversationId: CHAT.group };
    h.sandbox.faults.set([{ kind: 'graph.members', status: 503 }]);
    const failed = await optionsFor(USERS.adele, opts);
    assert.equal(peopleChoice(failed), undefined);
    assert.match(text(failed), /the list of people could not be loaded right now/);

    h.sandbox.faults.set([{ kind: 'graph.members', latencyMs: 15_000 }]);
    const started = Date.now();
    const reply = await submit(USERS.adele, { action: 'pick', driveId: D.adele, itemId: I.adelePlanDocx }, opts);
    const elapsed = Date.now() - started;
    const card = dialogCard(reply.body);
    assert.ok(elapsed < 4_500, `answered after ${elapsed} ms`);
    assert.equal(peopleChoice(card), undefined);
    assert.match(text(card), /the list of people could not be loaded right now/);
    h.sandbox.faults.set([]);
  });

  it('the finder opens on the recent files; when Graph is slow it opens empty with a notice, in time', async () => {
    const fetchTask = { commandId: 'shareLink', commandContext: 'compose', context: { theme: 'default' } };
    const first = dialogCard(
      (await h.send(invokeActivity(h.user(USERS.adele), 'composeExtension/fetchTask', fetchTask))).body,
    );
    assert.match(text(first), /Your recent files/);
    assert.ok(findAll(first, (o) => o.data?.action === 'pick').length > 0, 'files to pick right away');

    h.sandbox.faults.set([{ kind: 'graph.search', latencyMs: 4000 }]);
    const slow = await h.send(invokeActivity(h.user(USERS.adele), 'composeExtension/fetchTask', fetchTask));
    assert.ok(slow.elapsedMs < 3000, `answered in ${slow.elapsedMs} ms`);
    const card = dialogCard(slow.body);
    assert.match(text(card), /Your recent files didn't load in time/);
    assert.ok(inputById(card, 'q'), 'the search box');
  });
  describe("channels: members from the Bot Framework roster, reached through the activity's serviceUrl", () => {
    /** A channel invoke as Teams sends it, with the sandbox connector as its (signed) serviceUrl. */
    const inChannel = (team: { teamId: string; channelId: string }): ActivityOptions => ({
      conversationType: 'channel',
      conversationId: team.channelId,
      teamId: team.teamId,
      serviceUrl: h.sandbox.endpoints.connectorServiceUrl,
    });
    const connector = () => h.sandbox.stats().byKind['botframework.connector'];

    it('"People in this channel": the roster\'s people (a guest too); the link is for exactly the ones kept, nobody emailed', async () => {
      const opts = inChannel(TEAM.falcon);
      const card = await optionsFor(USERS.adele, opts);
      assert.equal(peopleChoice(card)?.title, 'People in this channel: Megan, Alex and 3 others');
      const people = (inputById(card, 'conversationPeople')?.choices ?? []) as Array<{ title: string; value: string }>;
      assert.deepEqual(
        people.map((p) => p.value),
        [ID.megan, ID.alex, ID.lee, ID.diego, ID.riley],
        'everyone in the team but the sharer, in roster order, removable',
      );
      assert.equal(inputById(card, 'sendNotification')?.value, 'false', 'notify is off by default');
      assert.deepEqual(connector()?.statuses, { '200': 1 }, 'one roster page, with a valid bot token');

      const kept = [ID.megan, ID.alex, ID.diego, ID.riley];
      const reply = await submit(
        USERS.adele,
        createFrom(card, { scope: 'conversation', conversationPeople: kept.join(',') }),
        opts,
      );
      const bodies = createLinkBodies();
      assert.equal(bodies.length, 1);
      assert.equal(bodies[0].scope, 'users');
      assert.deepEqual(
        bodies[0].recipients,
        kept.map((objectId) => ({ objectId })),
        'exactly the people kept (Lee was removed), the guest by their object id in this tenant',
      );
      assert.notEqual(bodies[0].sendNotification, true);
      assert.deepEqual(h.sandbox.outbox(), [], 'no email');
      assert.equal(connector()?.count, 2, 'the members are read again at submit');
      const posted = text(linkCard(reply.body));
      assert.match(posted, /People in this channel: Megan Bowen, Alex Wilber, Diego Siciliani, Riley Chen/);
      assert.doesNotMatch(posted, /Lee Gu/);
      const grantees = (await h.permissionsOf(USERS.adele, D.adele, I.adelePlanDocx))
        .filter((p) => p.link?.scope === 'users')
        .flatMap((p) => (p.grantedToIdentitiesV2 ?? []).map((g: { user?: { id?: string } }) => g.user?.id));
      assert.deepEqual([...grantees].sort(), [...kept].sort(), 'Graph grants exactly the people kept');
    });

    it('with "Email the people above" on: exactly the kept people of the channel are emailed, the guest at their address', async () => {
      const opts = inChannel(TEAM.falcon);
      const card = await optionsFor(USERS.adele, opts, D.adele, I.adeleKickoffPptx);
      await submit(
        USERS.adele,
        createFrom(card, {
          scope: 'conversation',
          conversationPeople: [ID.megan, ID.riley].join(','),
          sendNotification: 'true',
          message: 'Design review notes',
        }),
        opts,
      );
      assert.equal(createLinkBodies()[0].sendNotification, true);
      const mails = h.sandbox.outbox() as Array<{ to: string; message?: string }>;
      assert.deepEqual(mails.map((m) => m.to).sort(), ['megan@contoso.example', 'riley@northwind.example']);
      assert.ok(mails.every((m) => m.message === 'Design review notes'));
    });

    it('the roster comes in two pages: the app follows the continuation token and lists everyone', async () => {
      h.sandbox.setRosterPageSize(4);
      const card = await optionsFor(USERS.adele, inChannel(TEAM.falcon));
      assert.equal(peopleChoice(card)?.title, 'People in this channel: Megan, Alex and 3 others');
      assert.deepEqual(
        ((inputById(card, 'conversationPeople')?.choices ?? []) as Array<{ value: string }>).map((c) => c.value),
        [ID.megan, ID.alex, ID.lee, ID.diego, ID.riley],
        'the people of both pages (4 + 2, the sharer left out)',
      );
      assert.deepEqual(connector()?.statuses, { '200': 2 }, 'two pages');
    });

    it('roster members that carry `objectId` instead of `aadObjectId` are still shared by object id', async () => {
      h.sandbox.setFidelity({ rosterObjectIdField: true });
      const opts = inChannel(TEAM.falcon);
      const card = await optionsFor(USERS.adele, opts);
      const kept = [ID.megan, ID.riley];
      await submit(USERS.adele, createFrom(card, { scope: 'conversation', conversationPeople: kept.join(',') }), opts);
      assert.deepEqual(
        createLinkBodies()[0].recipients,
        kept.map((objectId) => ({ objectId })),
      );
    });

    it('a team Share Link is not added to: no choice, the dialog says why; a forged submit makes no link', async () => {
      const opts = inChannel(TEAM.noApp);
      const card = await optionsFor(USERS.adele, opts);
      assert.equal(peopleChoice(card), undefined);
      assert.match(
        text(card),
        /“People in this channel” isn't available: Share Link isn't added to this team or channel, so it can't see who is in the channel/,
      );
      assert.deepEqual(connector()?.statuses, { '403': 1 }, 'the connector answered BotNotInConversationRoster');
      const forged = await submit(
        USERS.adele,
        { ...createFrom(card, { scope: 'conversation', conversationPeople: ID.megan }) },
        opts,
      );
      assert.match(text(dialogCard(forged.body)), /Share Link isn't added to this team/);
      assert.equal(createLinkBodies().length, 0, 'no link was made');
    });

    it('a team larger than the limit: no choice, and the dialog does not claim an exact count it never read', async () => {
      const card = await optionsFor(USERS.adele, inChannel(TEAM.everyone));
      assert.equal(peopleChoice(card), undefined);
      assert.match(
        text(card),
        /it has more than 50 people, and Share Link makes a link for specific people for at most 50/,
      );
      assert.equal(connector()?.count, 1, 'one page of 51 is enough to know');
    });

    it("search and share in one step in a channel: a view link for the channel's people, nobody emailed", async () => {
      const reply = await h.send(
        invokeActivity(
          h.user(USERS.adele),
          'composeExtension/selectItem',
          { driveId: D.adele, itemId: I.adeleBudgetXlsx },
          inChannel(TEAM.falcon),
        ),
      );
      const body = createLinkBodies()[0];
      assert.equal(body.scope, 'users');
      assert.equal(body.type, 'view');
      assert.deepEqual(
        body.recipients,
        [ID.megan, ID.alex, ID.lee, ID.diego, ID.riley].map((objectId) => ({ objectId })),
      );
      assert.notEqual(body.sendNotification, true);
      assert.deepEqual(h.sandbox.outbox(), []);
      assert.match(text(linkCard(reply.body)), /People in this channel/);
    });

    it('a roster that fails (503) or hangs: the dialog still opens in time, without the choice and with the reason', async () => {
      h.sandbox.faults.set([{ kind: 'botframework.connector', status: 503 }]);
      const failed = await optionsFor(USERS.adele, inChannel(TEAM.falcon));
      assert.equal(peopleChoice(failed), undefined);
      assert.match(text(failed), /the list of people could not be loaded right now/);

      h.sandbox.faults.set([{ kind: 'botframework.connector', latencyMs: 15_000 }]);
      const started = Date.now();
      const reply = await submit(
        USERS.adele,
        { action: 'pick', driveId: D.adele, itemId: I.adelePlanDocx },
        inChannel(TEAM.falcon),
      );
      const elapsed = Date.now() - started;
      const card = dialogCard(reply.body);
      // The roster gets what is left of the invoke budget (3 s), so the answer comes before Teams gives up (~5 s).
      assert.ok(elapsed < 4_500, `answered after ${elapsed} ms`);
      assert.equal(peopleChoice(card), undefined);
      assert.match(text(card), /the list of people could not be loaded right now/);
      h.sandbox.faults.set([]);
    });

    describe('private and shared channels: the members of the channel itself, never the whole team', () => {
      const offered = (card: unknown) =>
        ((inputById(card, 'conversationPeople')?.choices ?? []) as Array<{ value: string }>).map((c) => c.value);
      const recipients = () => createLinkBodies().flatMap((b) => b.recipients ?? []) as Array<Record<string, string>>;

      // A different file per case: the same request from the same person is answered once (idempotency).
      for (const [channelType, itemId] of [
        [undefined, I.adeleBriefDocx],
        ['private', I.adeleTimelineXlsx],
      ] as const) {
        it(`a private channel (channelData.channel.type ${channelType ?? 'absent'}): only its people are offered and given the link`, async () => {
          const opts = { ...inChannel(TEAM.legal), channelType };
          const card = await optionsFor(USERS.adele, opts, D.adele, itemId);
          assert.equal(peopleChoice(card)?.title, 'People in this channel: Megan and Diego');
          assert.deepEqual(offered(card), [ID.megan, ID.diego], 'the channel, not the team');
          const reply = await submit(
            USERS.adele,
            createFrom(card, { scope: 'conversation', conversationPeople: [ID.megan, ID.diego].join(',') }),
            opts,
          );
          assert.deepEqual(
            recipients(),
            [ID.megan, ID.diego].map((objectId) => ({ objectId })),
          );
          assert.doesNotMatch(text(linkCard(reply.body)), /Alex Wilber|Lee Gu|Riley Chen/);
        });
      }

      it('a private channel: a submit naming team members outside the channel never gives them the link', async () => {
        const opts = { ...inChannel(TEAM.legal), conversationId: `${TEAM.legal.channelId};messageid=1700000000001` };
        const card = await optionsFor(USERS.adele, opts, D.adele, I.adeleContractPdf);
        assert.deepEqual(offered(card), [ID.megan, ID.diego], 'a reply in the channel: the channel');
        await submit(
          USERS.adele,
          createFrom(card, {
            scope: 'conversation',
            conversationPeople: [ID.megan, ID.diego, ...NOT_IN_LEGAL].join(','),
          }),
          opts,
        );
        const ids = recipients().map((r) => r.objectId);
        assert.deepEqual(ids, [ID.megan, ID.diego]);
        assert.ok(!NOT_IN_LEGAL.some((id) => ids.includes(id)), 'nobody of the team outside the channel');
      });

      it("search and share in one step in a private channel: the link is for the channel's people only", async () => {
        await h.send(
          invokeActivity(
            h.user(USERS.adele),
            'composeExtension/selectItem',
            { driveId: D.adele, itemId: I.adeleBudgetXlsx },
            inChannel(TEAM.legal),
          ),
        );
        assert.deepEqual(
          recipients(),
          [ID.megan, ID.diego].map((objectId) => ({ objectId })),
        );
      });

      it('a shared channel: its own members; the one from another organization by email, marked as outside', async () => {
        for (const [channelType, itemId] of [
          [undefined, I.adeleNotesTxt],
          ['shared', I.adeleDiagramPng],
        ] as const) {
          h.clearCalls();
          const opts = { ...inChannel(TEAM.partners), channelType };
          const card = await optionsFor(USERS.adele, opts, D.adele, itemId);
          assert.equal(peopleChoice(card)?.title, 'People in this channel: Alex and Noah');
          assert.deepEqual(offered(card), [ID.alex, '0fab0000-0000-4000-8000-0000000f0e11']);
          assert.match(text(card), /Noah Fabrikam \(outside your organization\)/);
          await submit(
            USERS.adele,
            createFrom(card, { scope: 'conversation', conversationPeople: offered(card).join(',') }),
            opts,
          );
          assert.deepEqual(
            recipients(),
            [{ objectId: ID.alex }, { email: 'noah@fabrikam.example' }],
            String(channelType),
          );
          assert.ok(!recipients().some((r) => [ID.megan, ID.lee, ID.diego, ID.riley].includes(r.objectId)));
        }
      });

      it("a private channel Share Link was not added to: no choice (the team's roster is not used instead), with the reason", async () => {
        const opts = inChannel(TEAM.hr);
        const card = await optionsFor(USERS.adele, opts);
        assert.equal(peopleChoice(card), undefined);
        assert.match(
          text(card),
          /Share Link isn't added to this team or channel, so it can't see who is in the channel/,
        );
        const forged = await submit(
          USERS.adele,
          createFrom(card, { scope: 'conversation', conversationPeople: ID.lee }),
          opts,
        );
        assert.match(text(dialogCard(forged.body)), /isn't added to this team or channel/);
        assert.equal(createLinkBodies().length, 0, 'no link was made');
      });

      it('Teams names one channel in channelData and another in the conversation: no choice rather than a guess', async () => {
        const opts = { ...inChannel(TEAM.legal), channelDataChannelId: TEAM.falcon.channelId };
        const card = await optionsFor(USERS.adele, opts);
        assert.equal(peopleChoice(card), undefined);
        assert.match(text(card), /Share Link can't tell for sure who is in this channel/);
        assert.equal(connector()?.count ?? 0, 0, 'no roster was read');
        const forged = await submit(
          USERS.adele,
          createFrom(card, { scope: 'conversation', conversationPeople: ID.megan }),
          opts,
        );
        assert.match(text(dialogCard(forged.body)), /can't tell for sure who is in this channel/);
        assert.equal(createLinkBodies().length, 0, 'no link was made');
      });
    });

    it("Diego, who never consented to reading chats, still gets the channel's people: the roster needs no Graph permission", async () => {
      const card = await optionsFor(DIEGO, inChannel(TEAM.falcon), D.projectFalcon, I.falconSpecDocx);
      assert.equal(peopleChoice(card)?.title, 'People in this channel: Adele, Megan and 3 others');
      assert.equal(h.sandbox.count('graph.members'), 0, 'no Graph chat members call for a channel');
    });
  });
});
