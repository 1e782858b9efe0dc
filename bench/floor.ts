import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { TeamsActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { createCloudAdapter } from '../bot/adapter';
import { loadConfig } from '../src/config';

/**
 * The framework floor: the same botbuilder CloudAdapter with the same Bot Framework JWT validation as the app,
 * and a TeamsActivityHandler that answers every invoke with a fixed small card. Whatever the app costs above this
 * is our own code. Configured from the same environment as the app (production mode).
 *
 * With BENCH_IO_FLOOR_TOKENS (a JSON file: user object id → that person's delegated Graph token) it is the I/O
 * floor: before answering, each invoke also makes the one outbound call a share must make, a createLink on the
 * submitted file over keep-alive HTTPS with plain `fetch`. That is the physical limit of a share on this machine:
 * the app can only add to it.
 */
const FIXED_CARD: InvokeResponse = {
  status: 200,
  body: {
    composeExtension: {
      type: 'result',
      attachmentLayout: 'list',
      attachments: [
        {
          contentType: 'application/vnd.microsoft.card.adaptive',
          content: {
            type: 'AdaptiveCard',
            version: '1.4',
            body: [
              { type: 'TextBlock', text: 'Plan.docx', weight: 'Bolder' },
              { type: 'TextBlock', text: 'https://contoso-my.sharepoint.example/:w:/g/floor' },
            ],
          },
        },
      ],
    },
  },
};

class FixedCardBot extends TeamsActivityHandler {
  protected override async onInvokeActivity(_context: TurnContext): Promise<InvokeResponse> {
    return FIXED_CARD;
  }
}

/** The I/O floor: one createLink per invoke (the submitted file, the sender's token), then the fixed card. */
class CreateLinkBot extends TeamsActivityHandler {
  constructor(
    private readonly graphBaseUrl: string,
    private readonly tokens: Record<string, string>,
  ) {
    super();
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    const data = (context.activity.value as { data?: { driveId?: string; itemId?: string } } | undefined)?.data;
    const token = this.tokens[context.activity.from.aadObjectId ?? ''];
    if (!data?.driveId || !data.itemId || !token) return { status: 400, body: { error: 'not a bench submit' } };
    const res = await fetch(
      `${this.graphBaseUrl}/v1.0/drives/${encodeURIComponent(data.driveId)}/items/${encodeURIComponent(data.itemId)}/createLink`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'view', scope: 'organization' }),
      },
    );
    await res.arrayBuffer();
    if (!res.ok) return { status: 502, body: { error: `createLink answered ${res.status}` } };
    return FIXED_CARD;
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const adapter = createCloudAdapter(config);
  const tokensFile = process.env.BENCH_IO_FLOOR_TOKENS;
  const bot = tokensFile
    ? new CreateLinkBot(
        config.graph.baseUrl.replace(/\/+$/, ''),
        JSON.parse(fs.readFileSync(tokensFile, 'utf8')) as Record<string, string>,
      )
    : new FixedCardBot();
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.post('/api/messages', express.json({ limit: '1mb' }), (req, res) => {
    adapter
      .process(req, res, (context) => bot.run(context))
      .catch((err: Error) => {
        if (!res.headersSent) res.status(500).json({ error: err.message });
      });
  });
  const server = http.createServer(app);
  server.keepAliveTimeout = 65_000;
  server.listen(config.port, config.host, () => {
    console.log(`${tokensFile ? 'I/O floor' : 'floor'} listening on ${(server.address() as AddressInfo).port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err) => {
  console.error('floor failed to start:', (err as Error).message);
  process.exit(1);
});
