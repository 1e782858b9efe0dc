import * as http from 'node:http';
import { nowMs } from './recorder';
import {
  BENCH_SERVICE_URL,
  checkAnswer,
  dialogSeal,
  fetchTaskActivity,
  messageActionActivity,
  queryActivity,
  shareChoice,
  submitActivity,
  type ActivityContext,
} from './journeys';
import type { FromLoad, InvokeKind, InvokeRecord, LoadUser, PhaseSpec, ToLoad } from './protocol';

/**
 * The load generator: its own process (forked by run.ts), talking to the server under test over http on 127.0.0.1
 * with keep-alive, a fixed number of workers (one virtual user each, so one invoke in flight per person), bounded
 * in iterations and time. It records every invoke; run.ts turns the records into figures.
 */

let target = '';
let authorization = '';
let ctx: ActivityContext;
let users: LoadUser[] = [];
/** Per-user counter of share requests, kept across phases so every submit is a new request. */
const shareCounter = new Map<string, number>();
/** The sealed item of each options dialog a user has seen, by user and file (what Teams echoes on submit). */
const seals = new Map<string, string>();
const sealOf = (user: LoadUser) => (itemId: string) => seals.get(`${user.oid}|${itemId}`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function send(msg: FromLoad): void {
  process.send?.(msg);
}

function post(body: unknown): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
  const payload = Buffer.from(JSON.stringify(body));
  const url = new URL('/api/messages', target);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': payload.length, authorization },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, json });
        });
        res.on('error', reject);
      },
    );
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(payload);
  });
}

async function invoke(records: InvokeRecord[], kind: InvokeKind, user: LoadUser, activity: unknown): Promise<boolean> {
  const start = nowMs();
  let status = 0;
  let error: string | undefined;
  let json: Record<string, unknown> | undefined;
  try {
    const res = await post(activity);
    status = res.status;
    json = res.json;
    error = checkAnswer(kind, res.status, res.json);
  } catch (err) {
    error = (err as Error).message;
  }
  records.push({ kind, user: user.oid, start, end: nowMs(), status, ok: !error, error });
  if (kind === 'messageAction' && !error) {
    const seal = dialogSeal(json);
    if (seal) seals.set(`${user.oid}|${seal.itemId}`, seal.item);
  }
  return !error;
}

function nextShare(user: LoadUser): number {
  const n = shareCounter.get(user.oid) ?? 0;
  shareCounter.set(user.oid, n + 1);
  return n;
}

async function journey(records: InvokeRecord[], user: LoadUser): Promise<void> {
  const n = nextShare(user);
  await invoke(records, 'query', user, queryActivity(ctx, user, n));
  await invoke(records, 'fetchTask', user, fetchTaskActivity(ctx, user));
  // The options dialog of the file about to be shared (from a message), then "Create link" from that dialog.
  await invoke(records, 'messageAction', user, messageActionActivity(ctx, user, n, shareChoice(user, n).file));
  await invoke(records, 'submit', user, submitActivity(ctx, user, n, sealOf(user)));
}

async function runPhase(phase: PhaseSpec): Promise<void> {
  const records: InvokeRecord[] = [];
  const started = nowMs();
  const deadline = phase.durationMs ? started + phase.durationMs : Infinity;
  const maxIterations = phase.iterations ?? Infinity;
  const pool = users.slice(phase.from, phase.to);
  let queue = 0;
  const worker = async (w: number) => {
    if (phase.mode === 'once') {
      while (queue < pool.length && nowMs() < deadline) await journey(records, pool[queue++]);
      return;
    }
    if (phase.mode === 'dialogs') {
      while (queue < pool.length && nowMs() < deadline) {
        const user = pool[queue++];
        for (const file of user.files.slice(0, phase.filesPerUser ?? user.files.length))
          await invoke(records, 'messageAction', user, messageActionActivity(ctx, user, 0, file));
      }
      return;
    }
    const user = pool[w % pool.length];
    for (let i = 0; i < maxIterations && nowMs() < deadline; i++) {
      if (phase.mode === 'journey') await journey(records, user);
      else await invoke(records, 'submit', user, submitActivity(ctx, user, nextShare(user), sealOf(user)));
    }
  };
  await Promise.all(Array.from({ length: phase.concurrency }, (_, w) => worker(w)));
  send({ type: 'done', result: { name: phase.name, wallMs: nowMs() - started, records } });
}

process.on('message', (msg: ToLoad) => {
  switch (msg.type) {
    case 'init':
      target = msg.target;
      authorization = msg.authorization;
      users = msg.users;
      ctx = { tenantId: msg.tenantId, botId: msg.botId, serviceUrl: BENCH_SERVICE_URL };
      send({ type: 'ready' });
      break;
    case 'clock':
      send({ type: 'clock', now: nowMs() });
      break;
    case 'run':
      runPhase(msg.phase).catch((err: Error) => {
        console.error('load phase failed:', err.message);
        process.exit(1);
      });
      break;
    case 'exit':
      agent.destroy();
      process.exit(0);
  }
});
