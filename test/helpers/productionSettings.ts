/** A complete production configuration for a made-up tenant (no endpoint overrides: the public cloud). */
export const PRODUCTION_SETTINGS = {
  APP_MODE: 'production',
  BOT_ID: '11111111-2222-4333-8444-555555555555',
  BOT_PASSWORD: 'p',
  BOT_TENANT_ID: '66666666-7777-4888-8999-000000000000',
  APPLICATION_ID_URI: 'api://share.example.com/botid-11111111-2222-4333-8444-555555555555',
  BOT_ENDPOINT: 'https://share.example.com',
  OAUTH_CONNECTION_NAME: 'GraphConnection',
  TEAMS_APP_ID: '77777777-8888-4999-8aaa-bbbbbbbbbbbb',
} as const;
