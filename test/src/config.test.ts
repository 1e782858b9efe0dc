import { strict as assert } from 'node:assert';
import { PRODUCTION_SETTINGS } from '../helpers/productionSettings';
import { ConfigError, loadConfig, resolveMode } from '../../src/config';

const PROD = PRODUCTION_SETTINGS;

describe('config', () => {
  it('runs in sandbox mode with no settings at all', () => {
    const c = loadConfig({});
    assert.equal(c.mode, 'sandbox');
    assert.equal(c.port, 3978);
    assert.ok(c.sandbox);
    assert.match(c.graph.baseUrl, /^https:\/\/127\.0\.0\.1:3979/);
    assert.ok(c.allowedTenantIds.length > 0);
  });

  it('treats any cloud setting as production', () => {
    assert.equal(resolveMode({ BOT_ID: 'x' }), 'production');
    assert.equal(resolveMode({ NODE_ENV: 'production' }), 'production');
    assert.throws(() => resolveMode({ APP_MODE: 'staging' }), ConfigError);
  });

  it('refuses a half-filled production configuration and names every missing setting', () => {
    try {
      loadConfig({ APP_MODE: 'production', BOT_ID: PROD.BOT_ID });
      assert.fail('should throw');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      for (const name of [
        'BOT_PASSWORD',
        'BOT_TENANT_ID',
        'APPLICATION_ID_URI',
        'BOT_ENDPOINT',
        'OAUTH_CONNECTION_NAME',
        'TEAMS_APP_ID',
      ]) {
        assert.ok(
          err.problems.some((p) => p.startsWith(name)),
          `${name} not named in ${err.problems.join(' | ')}`,
        );
      }
    }
  });

  it('rejects malformed values with the value shown', () => {
    assert.throws(
      () => loadConfig({ ...PROD, BOT_ID: 'not-a-guid', GRAPH_BASE_URL: 'http://graph.example' }),
      (err: ConfigError) =>
        err.problems.some((p) => p.startsWith('BOT_ID must be a GUID')) &&
        err.problems.some((p) => p.startsWith('GRAPH_BASE_URL') && p.includes('https')),
    );
  });

  it('defaults production endpoints to the public cloud and allows overrides for national clouds', () => {
    const c = loadConfig(PROD);
    assert.equal(c.mode, 'production');
    assert.equal(c.graph.baseUrl, 'https://graph.microsoft.com');
    assert.equal(c.sso.authorityHost, 'https://login.microsoftonline.com');
    assert.deepEqual(c.allowedTenantIds, [PROD.BOT_TENANT_ID]);
    const gov = loadConfig({
      ...PROD,
      GRAPH_BASE_URL: 'https://graph.microsoft.us',
      AAD_APP_OAUTH_AUTHORITY_HOST: 'https://login.microsoftonline.us',
    });
    assert.equal(gov.graph.baseUrl, 'https://graph.microsoft.us');
    assert.equal(gov.sso.authorityHost, 'https://login.microsoftonline.us');
  });

  it('validates the admin link policy', () => {
    const c = loadConfig({ ...PROD, POLICY_ALLOWED_SCOPES: 'organization,users', POLICY_MAX_EXPIRATION_DAYS: '30' });
    assert.deepEqual(c.policy.allowedScopes, ['organization', 'users']);
    assert.equal(c.policy.maxExpirationDays, 30);
    assert.throws(
      () => loadConfig({ ...PROD, POLICY_ALLOWED_SCOPES: 'everyone' }),
      (err: ConfigError) => err.problems.some((p) => p.startsWith('POLICY_ALLOWED_SCOPES')),
    );
  });

  it('shared state: no Redis by default; REDIS_URL without a key refused (in production too), the URL never echoed', () => {
    const plain = loadConfig(PROD);
    assert.equal(plain.state.redis, undefined, 'no Redis setting: everything in-process');
    assert.deepEqual(plain.state.shareRateLimit, { max: 60, windowMs: 60_000 });
    const url = 'rediss://:AccessKey123SECRET@contoso.redis.cache.windows.net:6380';
    assert.throws(
      () => loadConfig({ ...PROD, REDIS_URL: url }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.ok(err.problems.some((p) => p.startsWith('REDIS_ENCRYPTION_KEY is required')));
        assert.ok(!err.message.includes('AccessKey123SECRET'));
        return true;
      },
    );
    assert.throws(() => loadConfig({ REDIS_URL: url }), /REDIS_ENCRYPTION_KEY is required/, 'sandbox mode too');
    assert.throws(
      () => loadConfig({ ...PROD, REDIS_URL: 'http://:AccessKey123SECRET@x', REDIS_ENCRYPTION_KEY: 'short' }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.ok(err.problems.some((p) => p.startsWith('REDIS_URL must be a redis:// or rediss:// URL')));
        assert.ok(err.problems.some((p) => p.startsWith('REDIS_ENCRYPTION_KEY must be 32 bytes')));
        assert.ok(!err.message.includes('AccessKey123SECRET'));
        return true;
      },
    );
    const key = Buffer.alloc(32, 7);
    const shared = loadConfig({
      ...PROD,
      REDIS_URL: url,
      REDIS_ENCRYPTION_KEY: key.toString('base64'),
      SHARE_RATE_LIMIT: '0',
    });
    assert.deepEqual(shared.state.redis, { url, key, prefix: 'sharelink', timeoutMs: 50 });
    assert.equal(shared.state.shareRateLimit.max, 0);
    assert.deepEqual(
      loadConfig({ ...PROD, REDIS_URL: url, REDIS_ENCRYPTION_KEY: key.toString('hex') }).state.redis?.key,
      key,
    );
  });
});
