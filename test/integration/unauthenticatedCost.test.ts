import { strict as assert } from 'node:assert';
import { SignJWT } from 'jose';
import { APP, SERVICE_URL, USERS, invokeActivity, startHarness, type Harness } from './harness';

/** Issue 9: defect 10 (/readyz amplification) and the channel token without `exp` ("also noted"). */
describe('integration: unauthenticated endpoints cost the dependencies nothing extra', function () {
  this.timeout(30_000);
  let h: Harness;
  before(async () => {
    h = await startHarness({ sandbox: { signedInUsers: [USERS.adele] } });
  });
  after(async () => {
    await h?.close();
  });

  it('defect 10: 50 /readyz requests (25 at once, 25 in a row) make at most one Entra metadata request', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5_100)); // past any outcome cached at start-up
    h.sandbox.resetStats();
    const ready = () => fetch(`${h.server.url}/readyz`).then((r) => r.status);
    const statuses = await Promise.all(Array.from({ length: 25 }, ready));
    for (let i = 0; i < 25; i++) statuses.push(await ready());
    assert.deepEqual([...new Set(statuses)], [200]);
    assert.ok(h.sandbox.count('entra.metadata') <= 1, `${h.sandbox.count('entra.metadata')} metadata requests`);
  });

  it('also noted: a correctly signed channel token without exp is refused (401), and the bot never runs', async () => {
    const activity = invokeActivity(h.user(USERS.adele), 'composeExtension/fetchTask', {
      commandId: 'shareLink',
      commandContext: 'compose',
    });
    const now = Math.floor(Date.now() / 1000);
    const key = h.sandbox.keys.botframework;
    const token = await new SignJWT({ serviceurl: SERVICE_URL })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: key.kid })
      .setIssuer('https://api.botframework.com')
      .setAudience(APP.clientId)
      .setIssuedAt(now)
      .setNotBefore(now - 5)
      .sign(key.privateKey);
    h.sandbox.resetStats();
    const reply = await h.send(activity, { authorization: `Bearer ${token}` });
    assert.equal(reply.status, 401, JSON.stringify(reply.body));
    assert.equal(h.sandbox.count('tokenservice.'), 0);
    const signed = await h.send(activity);
    assert.equal(signed.status, 200, 'the same activity with the channel’s usual token is served');
  });
});
