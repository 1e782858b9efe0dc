import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { TeamsActivityHandler, type InvokeResponse, type TurnContext } from 'botbuilder';
import { createCloudAdapter } from '../bot/adapter';
import { loadConfig } from '../src/config';

/**
 * The framework floor: the same botbuilder CloudAdapter with the same Bot Framework JWT validation as the app,
 * and a TeamsActivityHandler that answers every invoke with a fixed small card and does nothing else. Whatever the
 * app costs above this is our own code. Configured from the same environment as the app (production mode).
 */
class FixedCardBot extends TeamsActivityHandler {
  private readonly answer: InvokeResponse = {
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

  protected override async onInvokeActivity(_context: TurnContext): Promise<InvokeResponse> {
    return this.answer;
  }
}

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const adapter = createCloudAdapter(config);
  const bot = new FixedCardBot();
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
    console.log(`floor listening on ${(server.address() as AddressInfo).port}`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err) => {
  console.error('floor failed to start:', (err as Error).message);
  process.exit(1);
});
