import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small stand-in for the Share Link bot, used to exercise the Playground harness before the real bot exists.
 * It answers invokes in the HTTP body like a botbuilder CloudAdapter would, and posts messages through the
 * Playground's connector (serviceUrl) when told to in chat.
 */

/** One activity the stand-in received, with the headers that matter for auth. */
export interface ReceivedActivity {
  headers: { authorization?: string; playground?: string };
  // Activities are free-form JSON; tests pick what they assert on.
  activity: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface StandInBot {
  endpoint: string;
  received: ReceivedActivity[];
  /** Activities with this invoke name, oldest first. */
  invokes(name: string): Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** Resolves with the first activity (already received or future) that matches. */
  waitFor(predicate: (a: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

/** The file the stand-in attaches when a person writes "file" in chat: the shape Teams gives a shared file. */
export const STAND_IN_FILE = {
  name: 'Quarterly report.docx',
  contentUrl: 'https://contoso.sharepoint.example/personal/adele_contoso_example/Documents/Quarterly%20report.docx',
} as const;

export const STAND_IN_SEARCH_ITEMS = [
  'Quarterly report.docx',
  'Budget 2026.xlsx',
  'Roadmap.pptx',
  'Quarterly plan.pdf',
];

const adaptive = (body: unknown[], actions: unknown[] = []) => ({
  contentType: 'application/vnd.microsoft.card.adaptive',
  content: {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    actions,
  },
});

function optionsDialog(title: string, fileName: string, note?: string) {
  return {
    task: {
      type: 'continue',
      value: {
        title,
        width: 'medium',
        height: 'medium',
        card: adaptive(
          [
            { type: 'TextBlock', text: 'Choose how to share', weight: 'Bolder', size: 'Medium' },
            ...(note ? [{ type: 'TextBlock', text: note, wrap: true, id: 'note' }] : []),
            { type: 'Input.Text', id: 'fileName', label: 'File name', value: fileName },
            {
              type: 'Input.ChoiceSet',
              id: 'scope',
              label: 'Who can open the link',
              value: 'organization',
              choices: [
                { title: 'People in Contoso', value: 'organization' },
                { title: 'Anyone with the link', value: 'anonymous' },
                { title: 'Specific people', value: 'users' },
              ],
            },
            { type: 'Input.Toggle', id: 'edit', title: 'Allow editing', value: 'false' },
          ],
          [{ type: 'Action.Submit', title: 'Create link', data: { action: 'createLink' } }],
        ),
      },
    },
  };
}

function linkCard(fileName: string, scope: string) {
  const url = `https://contoso.sharepoint.example/:w:/s/share/${encodeURIComponent(fileName)}?scope=${scope}`;
  return adaptive(
    [
      { type: 'TextBlock', text: `Link to ${fileName}`, weight: 'Bolder' },
      { type: 'TextBlock', text: `Scope: ${scope}`, wrap: true },
    ],
    [{ type: 'Action.OpenUrl', title: 'Open file', url }],
  );
}

/** Answers one activity; returns the invoke response body, or undefined for non-invokes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function answer(activity: Record<string, any>): { status: number; body?: unknown } {
  const value = activity.value ?? {};
  switch (activity.name) {
    case 'composeExtension/fetchTask': {
      const attachments: Array<{ contentType: string; name?: string; contentUrl?: string; content?: unknown }> =
        value.messagePayload?.attachments ?? [];
      if (value.commandContext === 'message') {
        const files = attachments.filter((a) => a.contentType === 'reference');
        const note = `Message holds ${attachments.length} attachment(s), ${files.length} file reference(s): ${attachments.map((a) => a.contentType).join(', ') || 'none'}`;
        return { status: 200, body: optionsDialog('Share this file', files[0]?.name ?? '', note) };
      }
      return { status: 200, body: optionsDialog('Create sharing link', '') };
    }
    case 'composeExtension/submitAction': {
      const data = value.data ?? {};
      const fileName = String(data.fileName ?? '').trim();
      if (!fileName) return { status: 200, body: optionsDialog('Create sharing link', '', 'Name a file first.') };
      return {
        status: 200,
        body: {
          composeExtension: {
            type: 'result',
            attachmentLayout: 'list',
            attachments: [linkCard(fileName, String(data.scope ?? 'organization'))],
          },
        },
      };
    }
    case 'composeExtension/query': {
      const q = String(value.parameters?.[0]?.value ?? '').toLowerCase();
      const hits = STAND_IN_SEARCH_ITEMS.filter((n) => n.toLowerCase().includes(q === 'true' ? '' : q));
      return {
        status: 200,
        body: {
          composeExtension: {
            type: 'result',
            attachmentLayout: 'list',
            attachments: hits.map((n) => ({
              ...linkCard(n, 'organization'),
              preview: {
                contentType: 'application/vnd.microsoft.card.thumbnail',
                content: { title: n, text: 'OneDrive' },
              },
            })),
          },
        },
      };
    }
    case 'adaptiveCard/action':
      return {
        status: 200,
        body: {
          statusCode: 200,
          type: 'application/vnd.microsoft.card.adaptive',
          value: adaptive([{ type: 'TextBlock', text: 'Refreshed' }]).content,
        },
      };
    default:
      return activity.type === 'invoke' ? { status: 501 } : { status: 200 };
  }
}

/** Posts a reply into the conversation through the Playground's connector. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function reply(activity: Record<string, any>, text: string, attachments: unknown[] = []): Promise<void> {
  const url = `${activity.serviceUrl}/v3/conversations/${encodeURIComponent(activity.conversation.id)}/activities`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      from: activity.recipient,
      recipient: activity.from,
      conversation: activity.conversation,
      replyToId: activity.id,
      text,
      attachments,
    }),
  });
  if (!res.ok) throw new Error(`connector answered ${res.status}: ${await res.text()}`);
}

/** Starts the stand-in on 127.0.0.1 (free port). Chat: "file" → a message holding a file reference; else an echo. */
export async function startStandInBot(): Promise<StandInBot> {
  const received: ReceivedActivity[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Activity = Record<string, any>;
  const waiters: Array<{ predicate: (a: Activity) => boolean; resolve: (a: Activity) => void }> = [];
  const app = express();
  app.use(express.json({ limit: '1mb' }));
  app.post('/api/messages', (req, res) => {
    const activity = req.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    received.push({
      headers: { authorization: req.header('authorization'), playground: req.header('x-ms-agents-playground') },
      activity,
    });
    for (const w of [...waiters]) {
      if (w.predicate(activity)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(activity);
      }
    }
    const { status, body } = answer(activity);
    if (body === undefined) res.sendStatus(status);
    else res.status(status).json(body);
    if (activity.type === 'message' && typeof activity.text === 'string') {
      const text = activity.text.trim();
      const send = /\bfile\b/i.test(text)
        ? reply(activity, `Here is ${STAND_IN_FILE.name}`, [
            { contentType: 'reference', contentUrl: STAND_IN_FILE.contentUrl, name: STAND_IN_FILE.name },
          ])
        : reply(activity, `You said: ${text}`);
      send.catch((err) => console.error('stand-in bot reply failed:', err));
    }
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/api/messages`,
    received,
    invokes: (name) => received.map((r) => r.activity).filter((a) => a.type === 'invoke' && a.name === name),
    waitFor: (predicate, timeoutMs = 10_000) => {
      const seen = received.map((r) => r.activity).find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('stand-in bot: expected activity did not arrive')), timeoutMs);
        waiters.push({
          predicate,
          resolve: (a) => {
            clearTimeout(timer);
            resolve(a);
          },
        });
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
