import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  bindLoopbackScriptPath,
  buildPlaygroundConfig,
  describePlayground,
  readManifestCommands,
  startPlayground,
} from '../../../src/dev/playground';
import { loadTenantData } from '../../../sandbox/tenant-data';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('dev/playground', function () {
  this.timeout(60_000);
  let tmp: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-playground-unit-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe('buildPlaygroundConfig', () => {
    it('signs in the first seeded user and lists exactly five others, with Teams and Entra ids', () => {
      const config = buildPlaygroundConfig();
      const seeded = loadTenantData().users;
      assert.equal(config.version, '0.1.1');
      assert.equal(config.currentUser.id, seeded[0].teamsId);
      assert.equal(config.currentUser.aadObjectId, seeded[0].id);
      assert.equal(config.currentUser.userPrincipleName, seeded[0].userPrincipalName);
      assert.equal(config.tenantId, seeded[0].tenantId);
      assert.equal(config.users.length, 5);
      assert.ok(!config.users.some((u) => u.id === config.currentUser.id));
      assert.equal(config.bot.id, '28:5ca1ab1e-0000-4000-8000-00000000a11c');
      const ids = [
        config.personalChat.id,
        config.groupChat.id,
        config.team.id,
        ...config.team.channels.map((c) => c.id),
      ];
      assert.equal(new Set(ids).size, ids.length);
    });

    it('signs in the user named by UPN, Entra id or Teams id', () => {
      assert.equal(buildPlaygroundConfig({ currentUser: 'lee@contoso.example' }).currentUser.name, 'Lee Gu');
      assert.equal(
        buildPlaygroundConfig({ currentUser: '0a1d0000-0000-4000-8000-0000000a11a1' }).currentUser.name,
        'Alex Wilber',
      );
      const noah = buildPlaygroundConfig({ currentUser: '29:1noah' });
      assert.equal(noah.currentUser.name, 'Noah Fabrikam');
      assert.equal(noah.tenantId, 'f0f0f0f0-0000-4000-8000-0000000fab01');
    });

    it('explains what is wrong with an unknown user or too few seeded users', () => {
      assert.throws(
        () => buildPlaygroundConfig({ currentUser: 'nobody@contoso.example' }),
        /no seeded user matches "nobody@contoso.example"/,
      );
      const small = path.join(tmp, 'tenant.json');
      const data = loadTenantData();
      fs.writeFileSync(small, JSON.stringify({ ...data, users: data.users.slice(0, 3) }));
      assert.throws(
        () => buildPlaygroundConfig({ tenantFile: small }),
        /needs 5 users besides the signed-in one; the tenant file has 2/,
      );
    });
  });

  describe('readManifestCommands', () => {
    it('reads the message-extension commands of a rendered manifest', () => {
      const file = path.join(tmp, 'manifest.json');
      fs.writeFileSync(
        file,
        JSON.stringify({
          composeExtensions: [
            {
              commands: [
                { id: 'findFile', title: 'Share a file' },
                { id: 'shareFromMessage', type: 'action', title: 'Share this file', context: ['message'] },
              ],
            },
          ],
        }),
      );
      assert.deepEqual(readManifestCommands(file), [
        { id: 'findFile', title: 'Share a file', type: 'query', context: ['compose', 'commandBox'] },
        { id: 'shareFromMessage', title: 'Share this file', type: 'action', context: ['message'] },
      ]);
    });

    it('refuses a manifest template that still holds ${{}} placeholders', () => {
      const file = path.join(tmp, 'manifest.json');
      fs.writeFileSync(file, '{"composeExtensions":[{"botId":"${{BOT_ID}}","commands":[]}]}');
      assert.throws(() => readManifestCommands(file), /placeholders: pass the rendered manifest/);
    });
  });

  it('describes where to click in one line', () => {
    const line = describePlayground({
      url: 'http://127.0.0.1:56150',
      config: buildPlaygroundConfig(),
      commands: [
        { id: 'shareFromMessage', title: 'Share this file', type: 'action', context: ['message'] },
        { id: 'shareLink', title: 'Create sharing link', type: 'action', context: ['compose', 'commandBox'] },
      ],
    });
    assert.ok(!line.includes('\n'));
    assert.match(line, /open http:\/\/127\.0\.0\.1:56150/);
    assert.match(line, /as Adele Vance/);
    assert.match(line, /"shareLink"/);
  });

  it('bind-loopback.cjs makes a listen without a host bind to 127.0.0.1', () => {
    const script =
      "const net=require('net');const s=net.createServer();s.listen(0,()=>{process.stdout.write(s.address().address);s.close()})";
    const address = execFileSync(process.execPath, ['--require', bindLoopbackScriptPath(), '-e', script], {
      encoding: 'utf8',
    });
    assert.equal(address, '127.0.0.1');
  });

  it('starts on a free port, writes its config into the data dir, and stops on close', async () => {
    const playground = await startPlayground({ dataDir: tmp, port: 0 });
    try {
      assert.match(playground.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(fs.readFileSync(playground.configPath, 'utf8').includes('userPrincipleName: adele@contoso.example'));
      // No bot is running: the UI and /_debug/ping answer anyway (/_internal/v1/config would wait for the bot).
      const res = await fetch(`${playground.url}/_debug/ping`);
      assert.equal(await res.text(), 'pong');
      assert.equal((await fetch(playground.url)).status, 200);
    } finally {
      await playground.close();
      await playground.close();
    }
    assert.equal(await canConnect(playground.port), false);
  });

  it('fails clearly, and leaves nothing running, when its port is taken', async () => {
    const sockets = new Set<net.Socket>();
    const blocker = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await assert.rejects(
        startPlayground({ dataDir: tmp, port }),
        new RegExp(`Could not start the Microsoft 365 Agents Playground: port ${port} was taken`),
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
