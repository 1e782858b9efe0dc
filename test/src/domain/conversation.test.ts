import { strict as assert } from 'node:assert';
import {
  MAX_CONVERSATION_PEOPLE,
  channelRosterId,
  choiceFor,
  conversationRefOf,
  firstName,
  keepChosen,
  memberFromRoster,
  peopleLinkAllowed,
  planRecipients,
  rosterUnclear,
  type ConversationMember,
} from '../../../src/domain/conversation';
import type { DriveItemInfo, LinkPolicy } from '../../../src/domain/types';
import { peopleNames, strings } from '../../../src/cards';

const TENANT = 'a1b2c3d4-0000-4000-8000-00000000c0de';
const OTHER = '7e57a7e5-0000-4000-8000-0000000e0d01';
const sharer = { tenantId: TENANT, objectId: 'me' };
const member = (m: Partial<ConversationMember> & { displayName: string }): ConversationMember => ({
  tenantId: TENANT,
  ...m,
});

describe('domain/conversation', () => {
  describe('conversationRefOf: which conversation an invoke came from', () => {
    const cases: Array<[string, Parameters<typeof conversationRefOf>[0], string]> = [
      ['group chat', { conversationId: '19:abc@thread.v2', conversationType: 'groupChat' }, 'groupChat'],
      ['meeting chat by id', { conversationId: '19:meeting_x@thread.v2', conversationType: 'groupChat' }, 'meeting'],
      [
        'meeting by channelData',
        { conversationId: '19:x@thread.v2', conversationType: 'groupChat', meetingId: 'm' },
        'meeting',
      ],
      [
        'channel',
        {
          conversationId: '19:c@thread.skype;messageid=1',
          conversationType: 'channel',
          channelId: '19:c@thread.skype',
        },
        'channel',
      ],
      ['chat of two people', { conversationId: '19:a_b@unq.gbl.spaces', conversationType: 'personal' }, 'oneOnOne'],
      ['chat with the bot', { conversationId: 'a:1xyz', conversationType: 'personal' }, 'botChat'],
      ['nothing known', { conversationId: 'x' }, 'unknown'],
    ];
    for (const [what, input, kind] of cases) {
      it(what, () => assert.equal(conversationRefOf(input).kind, kind));
    }
    it('a channel reply thread id is cut to the channel id', () => {
      const ref = conversationRefOf({ conversationId: '19:c@thread.skype;messageid=42', conversationType: 'channel' });
      assert.equal(ref.channelId, '19:c@thread.skype');
    });
  });

  describe("channelRosterId and rosterUnclear: the channel's own roster, no guesses", () => {
    const channel = (over: Partial<Parameters<typeof conversationRefOf>[0]>) =>
      conversationRefOf({ conversationId: '19:private@thread.tacv2', conversationType: 'channel', ...over });

    it("reads the channel's own thread (a reply chain's ;messageid= dropped), never the team's", () => {
      assert.deepEqual(channelRosterId(channel({ teamId: '19:team@thread.tacv2' })), {
        ok: true,
        id: '19:private@thread.tacv2',
      });
      assert.deepEqual(
        channelRosterId(
          channel({
            conversationId: '19:private@thread.tacv2;messageid=1700000000001',
            channelId: '19:PRIVATE@thread.tacv2',
          }),
        ),
        { ok: true, id: '19:private@thread.tacv2' },
      );
    });

    it('channelData naming another channel than the conversation: unclear, no roster id', () => {
      assert.deepEqual(channelRosterId(channel({ channelId: '19:other@thread.tacv2' })), {
        ok: false,
        reason: 'channelUnclear',
      });
      assert.deepEqual(channelRosterId(channel({ conversationId: ' ', channelId: undefined })), {
        ok: false,
        reason: 'channelUnclear',
      });
    });

    it("a channel without a name never borrows the team's (its people may not be the team's); General does", () => {
      const team = { teamId: '19:team@thread.tacv2', teamName: 'Project Falcon' };
      assert.equal(channel(team).name, undefined, 'a private channel is not "People in Project Falcon"');
      assert.equal(channel({ ...team, conversationName: 'Legal' }).name, 'Legal');
      assert.equal(
        channel({ ...team, conversationId: '19:team@thread.tacv2;messageid=1' }).name,
        'Project Falcon',
        "the General channel's thread is the team's: its people are the team",
      );
    });

    it('keeps channelData.channel.type, lower-cased; absent stays absent', () => {
      assert.equal(channel({ channelType: 'Shared' }).channelType, 'shared');
      assert.equal('channelType' in channel({}), false);
    });

    it('a shared channel whose roster leaves someone without a tenant is unclear; other channels are not', () => {
      const known = [member({ displayName: 'Megan', objectId: 'm' })];
      const unknown = [...known, { displayName: 'Noah', objectId: 'n', email: 'noah@fabrikam.example' }];
      assert.equal(rosterUnclear(channel({ channelType: 'shared' }), known), false);
      assert.equal(rosterUnclear(channel({ channelType: 'shared' }), unknown), true);
      assert.equal(rosterUnclear(channel({ channelType: 'private' }), unknown), false);
      assert.equal(rosterUnclear(channel({}), unknown), false, 'a member without tenant elsewhere is of this tenant');
      const anonymous = [...known, { displayName: 'Guest', role: 'anonymous' as const }];
      assert.equal(rosterUnclear(channel({ channelType: 'shared' }), anonymous), false, 'anonymous: excluded anyway');
    });
  });

  describe('planRecipients: members → driveRecipients', () => {
    const people = planRecipients(
      [
        member({ displayName: 'Me', objectId: 'me' }),
        member({ displayName: 'Megan Bowen', objectId: 'megan' }),
        member({ displayName: 'Megan Bowen', objectId: 'MEGAN' }),
        member({ displayName: 'Guest B2B', objectId: 'guest', role: 'guest' }),
        member({ displayName: 'Jordan', objectId: 'j', tenantId: OTHER, email: 'jordan@northwind.example' }),
        member({ displayName: 'Sam', objectId: 's', tenantId: OTHER }),
        member({ displayName: 'Anon', role: 'anonymous' }),
      ],
      sharer,
      { kind: 'groupChat', name: 'Falcon' },
    );
    it('leaves the sharer out and counts a person once', () => {
      assert.deepEqual(
        people.included.map((p) => p.displayName),
        ['Megan Bowen', 'Guest B2B', 'Jordan'],
      );
    });
    it('people of this tenant (guests too) by object id, other organizations by email', () => {
      assert.deepEqual(
        people.included.map((p) => p.recipient),
        [
          { objectId: 'megan', displayName: 'Megan Bowen' },
          { objectId: 'guest', displayName: 'Guest B2B' },
          { email: 'jordan@northwind.example', displayName: 'Jordan' },
        ],
      );
      assert.deepEqual(
        people.included.map((p) => p.external),
        [false, false, true],
      );
    });
    it('people without an address in this tenant are listed with why, never dropped', () => {
      assert.deepEqual(
        people.excluded.map((p) => [p.displayName, p.reason]),
        [
          ['Sam', 'noAddress'],
          ['Anon', 'anonymous'],
        ],
      );
    });
    it('keepChosen removes the unticked people only; someone who joined since stays in', () => {
      const kept = keepChosen(people, ['megan', 'guest', 'j'], ['megan']);
      assert.deepEqual(
        kept.included.map((p) => p.key),
        ['megan'],
      );
      const joined = keepChosen(people, ['megan'], ['megan']);
      assert.equal(joined.included.length, 3, 'not shown in the dialog = not removed');
      assert.equal(kept.excluded.length, 2);
    });
  });

  describe('memberFromRoster: Bot Framework roster accounts → members', () => {
    it('reads the object id as `aadObjectId` or `objectId` (roster answers use both), and the role', () => {
      const base = { name: 'Riley Chen', tenantId: TENANT, email: 'riley@northwind.example' };
      const expected = {
        displayName: 'Riley Chen',
        objectId: 'r1',
        tenantId: TENANT,
        email: 'riley@northwind.example',
      };
      assert.deepEqual(memberFromRoster({ ...base, aadObjectId: 'r1', userRole: 'guest' }), {
        ...expected,
        role: 'guest',
      });
      assert.deepEqual(memberFromRoster({ ...base, objectId: 'r1', userRole: 'user' }), { ...expected, role: 'user' });
      assert.deepEqual(memberFromRoster({ name: 'Anon1 (Guest)', tenantId: TENANT, userRole: 'anonymous' }), {
        displayName: 'Anon1 (Guest)',
        objectId: undefined,
        tenantId: TENANT,
        email: undefined,
        role: 'anonymous',
      });
    });
  });

  describe('choiceFor and peopleLinkAllowed', () => {
    it(`more than ${MAX_CONVERSATION_PEOPLE} people → tooMany with the count`, () => {
      const many = Array.from({ length: MAX_CONVERSATION_PEOPLE + 2 }, (_, i) =>
        member({ displayName: `P${i}`, objectId: `p${i}` }),
      );
      const c = choiceFor(planRecipients(many, sharer, { kind: 'groupChat' }), many.length);
      assert.deepEqual(c.available ? null : [c.reason, c.count], ['tooMany', MAX_CONVERSATION_PEOPLE + 2]);
    });
    it('a roster read only up to the limit (more pages left) → tooManyUncounted, without a count it never had', () => {
      const many = Array.from({ length: MAX_CONVERSATION_PEOPLE + 1 }, (_, i) =>
        member({ displayName: `P${i}`, objectId: `p${i}` }),
      );
      const c = choiceFor(planRecipients(many, sharer, { kind: 'channel' }), many.length, false);
      assert.deepEqual(c, { available: false, kind: 'channel', reason: 'tooManyUncounted' });
    });
    it('only the sharer → onlyYou', () => {
      const c = choiceFor(
        planRecipients([member({ displayName: 'Me', objectId: 'me' })], sharer, { kind: 'meeting' }),
        1,
      );
      assert.equal(c.available ? 'available' : c.reason, 'onlyYou');
    });
    const item = { driveType: 'business' } as DriveItemInfo;
    const policy = (allowedScopes: string[]): LinkPolicy => ({
      allowedScopes,
      allowedTypes: [],
      maxExpirationDays: 0,
      requireExpirationForAnonymous: false,
    });
    it('a policy without "users" links or a OneDrive personal item → not allowed, with the reason', () => {
      assert.deepEqual(peopleLinkAllowed(item, policy(['organization'])), { ok: false, reason: 'policy' });
      assert.deepEqual(peopleLinkAllowed({ driveType: 'personal' } as DriveItemInfo, policy([])), {
        ok: false,
        reason: 'recipientsUnsupported',
      });
      assert.deepEqual(peopleLinkAllowed(item, policy([])), { ok: true });
    });
  });

  describe('names for the choice', () => {
    const s = strings('en');
    const plain = (x: string) => x.replace(/[\u2066-\u2069]/g, '');
    it('"Megan", "Megan and Alex", "Megan, Alex and 1 other", "Megan, Alex and 4 others"', () => {
      assert.equal(plain(peopleNames(['Megan Bowen'], s)), 'Megan');
      assert.equal(plain(peopleNames(['Megan Bowen', 'Alex Wilber'], s)), 'Megan and Alex');
      assert.equal(plain(peopleNames(['Megan Bowen', 'Alex Wilber', 'Lee Gu'], s)), 'Megan, Alex and 1 other');
      assert.equal(plain(peopleNames(['Megan B', 'Alex W', 'a', 'b', 'c', 'd'], s)), 'Megan, Alex and 4 others');
    });
    it('an email address stays whole; a hostile name is isolated', () => {
      assert.equal(firstName('jordan@northwind.example'), 'jordan@northwind.example');
      assert.match(peopleNames(['\u202eevil'], s), /^\u2068/);
    });
  });
});
