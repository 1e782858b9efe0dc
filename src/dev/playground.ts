import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { SANDBOX_IDENTITIES } from '../../sandbox/identities';
import { DEFAULT_TENANT_FILE, loadTenantData, type SandboxUser } from '../../sandbox/tenant-data';

/**
 * Starts the Microsoft 365 Agents Playground (`@microsoft/m365agentsplayground`) as a child process for sandbox mode
 * and end-to-end tests. The Playground emulates a Teams client in the browser and sends unauthenticated activities
 * (header `x-ms-agents-playground: true`, no Authorization) to the bot. See docs/playground.md.
 */

export const DEFAULT_PLAYGROUND_PORT = 56150;
export const DEFAULT_BOT_ENDPOINT = 'http://127.0.0.1:3978/api/messages';

/** Fixed conversation ids, so activities (and tests) are deterministic across runs. */
export const PLAYGROUND_CONVERSATIONS = {
  personalChatId: 'a:share-link-sandbox-personal-chat',
  groupChatId: '19:share-link-sandbox-group@thread.v2',
  groupChatName: 'Share Link sandbox group',
  teamId: '19:share-link-sandbox-team@thread.tacv2',
  teamName: 'Share Link sandbox team',
  teamAadGroupId: '0a1d0000-0000-4000-8000-00000000ea11',
  channelId: '19:share-link-sandbox-files@thread.tacv2',
  channelName: 'Files',
} as const;

/** One message-extension command as the app manifest declares it. */
export interface MessageExtensionCommand {
  id: string;
  title: string;
  type: 'query' | 'action';
  context: string[];
}

/** A user as the Playground's config file describes it (note its spelling `userPrincipleName`). */
export interface PlaygroundUser {
  id: string;
  name: string;
  userPrincipleName: string;
  aadObjectId: string;
  givenName: string;
  surname: string;
  email: string;
}

/** The Playground's config file (schema 0.1.1: exactly 5 `users` besides `currentUser`). */
export interface PlaygroundConfigFile {
  version: '0.1.1';
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: PlaygroundUser;
  users: PlaygroundUser[];
  personalChat: { id: string };
  groupChat: { id: string; name: string };
  team: { id: string; name: string; aadGroupId: string; channels: Array<{ id: string; name: string }> };
}

export interface PlaygroundConfigOptions {
  /** Seeded directory to take the users from (default sandbox/data/tenant.json). */
  tenantFile?: string;
  /** Who is signed in to the Playground: an Entra object id, Teams id (29:…) or UPN. Default: the first seeded user. */
  currentUser?: string;
  /** Tenant id put on every activity (default: the current user's tenant). */
  tenantId?: string;
  /** Bot account id; Teams uses `28:<app id>`. */
  botId?: string;
  botName?: string;
}

export interface StartPlaygroundOptions extends PlaygroundConfigOptions {
  /** Where the config file (playground.yml) and the Playground's log go, e.g. `.sandbox-data`. */
  dataDir: string;
  /** Port on 127.0.0.1; 0 picks a free one. Default 56150. */
  port?: number;
  /** The bot's messaging endpoint. Default http://127.0.0.1:3978/api/messages. */
  botEndpoint?: string;
  /**
   * A rendered Teams app manifest (no `${{}}` placeholders left). The Playground itself ignores manifests: people type
   * a command id in its UI. The commands found here are returned so the banner and tests can name them.
   */
  manifestPath?: string;
  /** How long to wait for the Playground to answer (default 30 s). */
  startTimeoutMs?: number;
  /** Receives the Playground's stdout/stderr lines (it writes little: its real log is `logPath`). */
  onOutput?: (line: string) => void;
}

export interface RunningPlayground {
  /** Open this in a browser. */
  url: string;
  port: number;
  botEndpoint: string;
  configPath: string;
  logPath: string;
  config: PlaygroundConfigFile;
  /** Message-extension commands read from `manifestPath` (empty without one). */
  commands: MessageExtensionCommand[];
  /** Milliseconds from spawn until the Playground answered. */
  startupMs: number;
  /** Stops the child process; resolves once it has exited. Safe to call twice. */
  close(): Promise<void>;
}

/** Path of the preload script that makes the Playground bind to 127.0.0.1 (it has no host option). */
export function bindLoopbackScriptPath(): string {
  const candidates = [
    path.join(__dirname, 'bind-loopback.cjs'),
    path.resolve(__dirname, '..', '..', '..', 'src', 'dev', 'bind-loopback.cjs'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) throw new Error(`bind-loopback.cjs not found (looked in ${candidates.join(', ')})`);
  return found;
}

function toPlaygroundUser(user: SandboxUser): PlaygroundUser {
  const [givenName, ...rest] = user.displayName.split(' ');
  return {
    id: user.teamsId,
    name: user.displayName,
    userPrincipleName: user.userPrincipalName,
    aadObjectId: user.id,
    givenName: givenName ?? user.displayName,
    surname: rest.join(' '),
    email: user.mail,
  };
}

/** Builds the Playground's config from the seeded sandbox users: one signed-in user plus exactly five others. */
export function buildPlaygroundConfig(options: PlaygroundConfigOptions = {}): PlaygroundConfigFile {
  const users = loadTenantData(options.tenantFile ?? DEFAULT_TENANT_FILE).users;
  const wanted = options.currentUser?.toLowerCase();
  const current = wanted
    ? users.find((u) => [u.id, u.teamsId, u.userPrincipalName].some((k) => k.toLowerCase() === wanted))
    : users[0];
  if (!current) throw new Error(`Playground: no seeded user matches "${options.currentUser}"`);
  const others = users.filter((u) => u !== current);
  if (others.length < 5) {
    throw new Error(
      `Playground: its config needs 5 users besides the signed-in one; the tenant file has ${others.length}`,
    );
  }
  return {
    version: '0.1.1',
    tenantId: options.tenantId ?? current.tenantId,
    bot: {
      id: options.botId ?? `28:${SANDBOX_IDENTITIES.app.clientId}`,
      name: (options.botName ?? 'Share Link').slice(0, 42),
    },
    currentUser: toPlaygroundUser(current),
    users: others.slice(0, 5).map(toPlaygroundUser),
    personalChat: { id: PLAYGROUND_CONVERSATIONS.personalChatId },
    groupChat: { id: PLAYGROUND_CONVERSATIONS.groupChatId, name: PLAYGROUND_CONVERSATIONS.groupChatName },
    team: {
      id: PLAYGROUND_CONVERSATIONS.teamId,
      name: PLAYGROUND_CONVERSATIONS.teamName,
      aadGroupId: PLAYGROUND_CONVERSATIONS.teamAadGroupId,
      channels: [{ id: PLAYGROUND_CONVERSATIONS.channelId, name: PLAYGROUND_CONVERSATIONS.channelName }],
    },
  };
}

/** Reads the message-extension commands of a rendered Teams app manifest. */
export function readManifestCommands(manifestPath: string): MessageExtensionCommand[] {
  const text = fs.readFileSync(manifestPath, 'utf8');
  if (text.includes('${{')) {
    throw new Error(`${manifestPath} still holds \${{…}} placeholders: pass the rendered manifest`);
  }
  const manifest = JSON.parse(text) as {
    composeExtensions?: Array<{ commands?: Array<{ id: string; title: string; type?: string; context?: string[] }> }>;
  };
  return (manifest.composeExtensions ?? []).flatMap((ext) =>
    (ext.commands ?? []).map((c) => ({
      id: c.id,
      title: c.title,
      type: c.type === 'action' ? ('action' as const) : ('query' as const),
      context: c.context ?? ['compose', 'commandBox'],
    })),
  );
}

/** Finds a free TCP port on 127.0.0.1. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, 5000)) return;
  child.kill('SIGKILL');
  await waitForExit(child, 5000);
}

function tail(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts the Playground on 127.0.0.1 with a config of the sandbox users; resolves once it answers HTTP. */
export async function startPlayground(options: StartPlaygroundOptions): Promise<RunningPlayground> {
  const started = Date.now();
  fs.mkdirSync(options.dataDir, { recursive: true });
  const config = buildPlaygroundConfig(options);
  const configPath = path.resolve(options.dataDir, 'playground.yml');
  const logPath = path.resolve(options.dataDir, 'playground.log');
  fs.writeFileSync(
    configPath,
    `# Written by src/dev/playground.ts from sandbox/data/tenant.json; rewritten on every start.\n${yaml.dump(config, { lineWidth: 200 })}`,
  );
  const commands = options.manifestPath ? readManifestCommands(options.manifestPath) : [];
  const botEndpoint = options.botEndpoint ?? DEFAULT_BOT_ENDPOINT;
  // The Playground falls back to a random port if its port is taken; pick a free one ourselves so the connector
  // URL we hand the bot (serviceUrl) is right.
  const port = options.port === 0 ? await findFreePort() : (options.port ?? DEFAULT_PLAYGROUND_PORT);
  const base = `http://127.0.0.1:${port}`;
  const cli = require.resolve('@microsoft/m365agentsplayground/cli.js');
  const args = [
    '--require',
    bindLoopbackScriptPath(),
    cli,
    '--port',
    String(port),
    '--app-endpoint',
    botEndpoint,
    '--channel-id',
    'msteams',
    // The default is http://localhost:<port>/_connector; localhost may resolve to ::1, where nothing listens.
    '--service-url',
    `${base}/_connector`,
    '--disable-telemetry',
  ];
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
    M365_AGENTS_PLAYGROUND_LOGFILE: logPath,
    TEAMSAPPTESTER_BROWSER: 'none',
    BOT_ENDPOINT: botEndpoint,
    SEND_INSTALLATION_ACTIVITY: 'false',
  };
  delete env.TEAMSAPPTESTER_PORT;
  delete env.NODE_OPTIONS;

  const child = spawn(process.execPath, args, { cwd: options.dataDir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let listeningPort: number | undefined;
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const onLine = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      const m = /Listening on (\d+)/.exec(line);
      if (m) listeningPort = Number(m[1]);
      options.onOutput?.(line);
    }
  };
  child.stdout?.on('data', onLine);
  child.stderr?.on('data', onLine);

  const deadline = started + (options.startTimeoutMs ?? 30_000);
  try {
    for (;;) {
      if (exited) throw new Error(`the Playground exited with code ${child.exitCode} before answering`);
      if (listeningPort !== undefined && listeningPort !== port) {
        throw new Error(`port ${port} was taken; the Playground moved to ${listeningPort}`);
      }
      // /_debug/ping answers as soon as the server is up; /_internal/v1/config waits until the bot is reachable.
      if (await answers(`${base}/_debug/ping`)) break;
      if (Date.now() > deadline) throw new Error(`the Playground did not answer on ${base} within the timeout`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (err) {
    await stopChild(child);
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`Could not start the Microsoft 365 Agents Playground: ${why}\n${tail(logPath)}`);
  }

  let closing: Promise<void> | undefined;
  return {
    url: base,
    port,
    botEndpoint,
    configPath,
    logPath,
    config,
    commands,
    startupMs: Date.now() - started,
    close: () => (closing ??= stopChild(child)),
  };
}

/** The one line `npm start` prints in sandbox mode: where to click and what to type. */
export function describePlayground(running: Pick<RunningPlayground, 'url' | 'config' | 'commands'>): string {
  const who = running.config.currentUser.name;
  const action = running.commands.find((c) => c.type === 'action' && c.context.some((x) => x !== 'message'));
  const hint = action
    ? ` — in the compose box open the message-extension menu (…), choose "Action Command" and type command id "${action.id}"`
    : '';
  return `Teams Playground (as ${who}): open ${running.url}${hint}`;
}
