import { productionEnvFor } from '../sandbox/appEnv';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { startSandbox, type Sandbox } from '../sandbox/server';
import { ensureTrustBundle } from '../sandbox/trust';
import { SANDBOX_IDENTITIES } from '../sandbox/identities';
import type { LatencyProfile, SandboxStats } from '../sandbox/state';
import { writeBenchTenant } from './tenant';
import { SandboxRecorder, nowMs } from './recorder';
import { BENCH_SERVICE_URL } from './journeys';
import {
  BACKGROUND_KINDS,
  figuresByKind,
  joinCalls,
  round,
  table,
  type JoinedInvoke,
  type KindFigures,
} from './figures';
import { monotonicUs, summarizeCpuProfile, type ProfileSummary } from './profile';
import type { FromLoad, LoadUser, PhaseResult, PhaseSpec, ToLoad } from './protocol';
import { startTestRedis } from '../test/helpers/redisServer';
import { startRoundRobin } from '../test/helpers/roundRobin';

/**
 * `npm run bench [-- --quick] [-- --profile] [-- --token=250 --createLink=150 --itemLookup=60 --search=120
 * --tokenService=90] [-- --logLevel=warn] [-- --instances 2]` (the default profile; sources in bench/README.md): starts the sandbox (in this process) with a latency profile, the app as its own process in
 * production auth mode, and a separate load process; runs the journeys; then the framework floor and the
 * samples-pattern baseline under the same load. With `--instances 2`, also two app processes sharing a
 * redis-server behind a round-robin balancer. Prints tables and, last, one JSON line. Asserts nothing.
 */

interface Settings {
  quick: boolean;
  profile: boolean;
  /** The app's LOG_LEVEL (warn by default; production's default is info). */
  logLevel: string;
  latency: Required<Pick<LatencyProfile, 'token' | 'createLink' | 'itemLookup' | 'search' | 'tokenService'>>;
  /** Virtual users of the load phases (one per worker at the highest concurrency). */
  virtualUsers: number;
  /** Fresh users of the "many distinct people" phase (RSS per signed-in user). */
  distinctUsers: number;
  c1Journeys: number;
  /** The baseline's c1 journeys (each pays an OBO and three Token Service round trips: ~0.9 s). */
  baselineC1Journeys: number;
  c16Ms: number;
  /** Duration of the submit throughput phase at each concurrency. */
  throughputMs: Record<number, number>;
  floorMs: number;
  baselineC64Ms: number;
  concurrencies: number[];
  /** 2: also measure two app instances sharing state in Redis behind a round-robin balancer. */
  instances: number;
}

function parseArgs(argv: string[]): Settings {
  const flag = (name: string) => argv.includes(`--${name}`);
  const num = (name: string, fallback: number) => {
    const arg = argv.find((a) => a.startsWith(`--${name}=`));
    const v = arg ? Number(arg.split('=')[1]) : fallback;
    if (!Number.isFinite(v) || v < 0) throw new Error(`--${name} must be a number of milliseconds`);
    return v;
  };
  const quick = flag('quick');
  const at = argv.indexOf('--instances');
  const instances = at >= 0 ? Number(argv[at + 1]) : num('instances', 1);
  if (instances !== 1 && instances !== 2) throw new Error('--instances must be 1 or 2');
  return {
    instances,
    quick,
    profile: flag('profile'),
    logLevel: argv.find((a) => a.startsWith('--logLevel='))?.split('=')[1] ?? 'warn',
    latency: {
      token: num('token', 250),
      createLink: num('createLink', 150),
      itemLookup: num('itemLookup', 60),
      search: num('search', 120),
      tokenService: num('tokenService', 90),
    },
    virtualUsers: 64,
    distinctUsers: quick ? 64 : 1000,
    c1Journeys: quick ? 8 : 100,
    baselineC1Journeys: quick ? 5 : 100,
    c16Ms: quick ? 2000 : 20_000,
    throughputMs: quick ? { 1: 1500, 16: 1500, 64: 2000 } : { 1: 10_000, 16: 10_000, 64: 10_000 },
    floorMs: quick ? 700 : 10_000,
    baselineC64Ms: quick ? 1500 : 10_000,
    concurrencies: [1, 16, 64],
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/healthz`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

/** CPU time (user + system) a process has used so far, in ms (clock ticks of 10 ms). */
function cpuMsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
}

interface Server {
  name: string;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts a server under test as its own Node process and waits until /healthz answers. */
async function startServer(
  name: string,
  script: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: string[] = [],
): Promise<Server> {
  const port = await freePort();
  // The server's own log (warn and above, pino on stdout) goes to a file; it is shown if the server dies.
  const logFile = path.join(String(env.BENCH_RUN_DIR), `${name}.log`);
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: {
      ...env,
      PORT: String(port),
      SHARE_LOG_PATH: path.join(String(env.BENCH_RUN_DIR), `${name}-share-log.sqlite`),
    },
    stdio: ['ignore', logFd, logFd],
  });
  fs.closeSync(logFd);
  const url = `http://127.0.0.1:${port}`;
  let exited = false;
  let stopping = false;
  child.once('exit', (code, signal) => {
    exited = true;
    if (!stopping) {
      console.error(`${name} exited unexpectedly (${code ?? signal}); its last log lines:`);
      console.error(fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n'));
    }
  });
  const until = Date.now() + 30_000;
  while (!(await healthy(url))) {
    if (exited || Date.now() > until) throw new Error(`${name} did not start (see its errors above)`);
    await sleep(100);
  }
  return {
    name,
    url,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (exited) return resolve();
        stopping = true;
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** The load process: a forked Node process driven over IPC. */
class LoadProcess {
  private readonly child: ChildProcess;
  private waiting: Array<(m: FromLoad) => void> = [];

  constructor() {
    this.child = fork(path.join(__dirname, 'load.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: FromLoad) => this.waiting.shift()?.(m));
    this.child.on('exit', (code) => {
      if (code) console.error(`load process exited with ${code}`);
    });
  }

  request(msg: ToLoad): Promise<FromLoad> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.send(msg);
    });
  }

  /** Load clock − this process's clock, from the round trip with the smallest delay. */
  async clockOffset(): Promise<number> {
    let best = { rtt: Infinity, offset: 0 };
    for (let i = 0; i < 25; i++) {
      const t0 = nowMs();
      const m = await this.request({ type: 'clock' });
      const t1 = nowMs();
      if (m.type === 'clock' && t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: m.now - (t0 + t1) / 2 };
    }
    return best.offset;
  }

  async run(phase: PhaseSpec): Promise<PhaseResult> {
    const m = await this.request({ type: 'run', phase });
    if (m.type !== 'done') throw new Error('unexpected answer from the load process');
    return m.result;
  }

  get pid(): number {
    return this.child.pid!;
  }

  exit(): void {
    this.child.send({ type: 'exit' });
  }
}

interface Phase {
  spec: PhaseSpec;
  wallMs: number;
  joined: JoinedInvoke[];
  figures: KindFigures[];
  /** Sandbox requests per route kind during the phase. */
  counts: Record<string, number>;
  /** CPU time used during the phase by the server under test, the sandbox (this process) and the load process. */
  cpuMs: { target: number; sandbox: number; load: number };
}

function countDelta(before: SandboxStats, after: SandboxStats): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, s] of Object.entries(after.byKind)) {
    const d = (s?.count ?? 0) - (before.byKind[k as keyof SandboxStats['byKind']]?.count ?? 0);
    if (d) out[k] = d;
  }
  return out;
}

function sumCounts(phases: Phase[], prefix: string): number {
  return phases.reduce(
    (n, p) =>
      n +
      Object.entries(p.counts)
        .filter(([k]) => k.startsWith(prefix))
        .reduce((m, [, v]) => m + v, 0),
    0,
  );
}

function fig(p: Phase | undefined, kind: string): KindFigures | undefined {
  return p?.figures.find((f) => f.kind === kind);
}

async function main(): Promise<void> {
  const settings = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const log = (s: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${s}\n`);
  const dataDir = path.join(os.tmpdir(), 'share-link-bench-data');
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'share-link-bench-run-'));
  const totalUsers = settings.virtualUsers + settings.distinctUsers;
  const tenant = writeBenchTenant(runDir, totalUsers);
  const recorder = new SandboxRecorder(new Map(tenant.users.map((u) => [u.teamsId, u.oid])));
  const sandbox: Sandbox = await recorder.install(() =>
    startSandbox({
      dataDir,
      port: 0,
      tenantFile: tenant.file,
      latencyProfile: settings.latency,
      signedInUsers: tenant.users.map((u) => u.upn),
      tokenLifetimeSeconds: 7200,
    }),
  );
  recorder.recording = true;
  log(`sandbox ${sandbox.url} with ${totalUsers} generated users, latency ${JSON.stringify(settings.latency)}`);

  const users: LoadUser[] = [];
  for (const u of tenant.users) {
    users.push({
      oid: u.oid,
      teamsId: u.teamsId,
      name: u.name,
      driveId: u.driveId,
      files: u.files,
      ssoToken: await sandbox.ssoToken(u.upn, { lifetimeSeconds: 7200 }),
    });
  }
  // Teams' channel reuses its Bot Framework token across activities (it is valid for an hour); so does the load.
  const authorization = await sandbox.signActivity({ serviceUrl: BENCH_SERVICE_URL }, { lifetimeSeconds: 7200 });
  const id = SANDBOX_IDENTITIES;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...productionEnvFor(sandbox.url, {
      NODE_ENV: 'production',
      TEAMSFX_ENV: 'bench-no-env-files',
      HOST: '127.0.0.1',
      BOT_ENDPOINT: 'https://share-link.bench.example',
      ALLOWED_TENANT_IDS: id.homeTenantId,
      // The load makes each virtual user share many times a second, far past a person's limit: measure, not limit.
      SHARE_RATE_LIMIT: '0',
    }),
    LOG_LEVEL: settings.logLevel,
    NODE_EXTRA_CA_CERTS: ensureTrustBundle(dataDir),
    BENCH_RUN_DIR: runDir,
  };

  const load = new LoadProcess();
  let offset = 0;
  let targetPids: number[] = [];
  const useTarget = async (server: Server, alsoPids: number[] = []) => {
    targetPids = [server.child.pid!, ...alsoPids];
    await load.request({
      type: 'init',
      target: server.url,
      authorization,
      tenantId: id.homeTenantId,
      botId: id.app.clientId,
      users,
    });
    offset = await load.clockOffset();
  };
  const run = async (spec: PhaseSpec): Promise<Phase> => {
    recorder.drain();
    const before = sandbox.stats();
    const targetCpu = () => targetPids.reduce((n, pid) => n + cpuMsOf(pid), 0);
    const cpu0 = { target: targetCpu(), sandbox: process.cpuUsage(), load: cpuMsOf(load.pid) };
    const result = await load.run(spec);
    const sandboxCpu = process.cpuUsage(cpu0.sandbox);
    const cpuMs = {
      target: targetCpu() - cpu0.target,
      sandbox: (sandboxCpu.user + sandboxCpu.system) / 1000,
      load: cpuMsOf(load.pid) - cpu0.load,
    };
    await sleep(20);
    const sandboxCalls = recorder.drain();
    const joined = joinCalls(result.records, sandboxCalls, offset);
    const expected = sandboxCalls.filter((c) => !BACKGROUND_KINDS.has(c.kind)).length;
    const attributed = joined.reduce((n, r) => n + r.calls, 0);
    const phase = {
      spec,
      wallMs: result.wallMs,
      joined,
      figures: figuresByKind(joined, result.wallMs),
      counts: countDelta(before, sandbox.stats()),
      cpuMs,
    };
    const errors = phase.figures.reduce((n, f) => n + f.errors, 0);
    const calls = Object.entries(phase.counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    log(
      `${spec.name}: ${result.records.length} invokes in ${(result.wallMs / 1000).toFixed(1)} s, ${errors} errors${errors ? ` (${phase.figures.flatMap((f) => f.firstErrors).join('; ')})` : ''}; sandbox: ${calls}; ${attributed}/${expected} calls attributed to invokes`,
    );
    return phase;
  };
  const V = settings.virtualUsers;
  // Warm-up: the 16 journey users sign in with SSO; every virtual user makes one share (Token Service sign-in).
  const warmUp = async (label: string, openDialogs: boolean) => [
    await run({
      name: `${label} warm-up journeys c16`,
      mode: 'journey',
      concurrency: 16,
      from: 0,
      to: 16,
      iterations: settings.quick ? 1 : 3,
    }),
    // Every virtual user opens the options dialog of each file once, as a person does before "Create link": the
    // submits that follow carry what the dialog sealed (one Graph call per share). The baseline reuses these
    // dialogs: it is another process with the same bot secret, so it trusts the seals as a second instance would.
    ...(openDialogs
      ? [await run({ name: `${label} warm-up dialogs c32`, mode: 'dialogs', concurrency: 32, from: 0, to: V })]
      : []),
    await run({
      name: `${label} warm-up submits c64`,
      mode: 'submit',
      concurrency: V,
      from: 0,
      to: V,
      iterations: settings.quick ? 1 : 3,
    }),
  ];
  const journeysC16 = (name: string) =>
    run({ name, mode: 'journey', concurrency: 16, from: 0, to: 16, durationMs: settings.c16Ms });
  const journeys = async (label: string, openDialogs: boolean, c1Journeys: number) => ({
    warm: await warmUp(label, openDialogs),
    c1: await run({
      name: `${label} journeys c1`,
      mode: 'journey',
      concurrency: 1,
      from: 0,
      to: 1,
      iterations: c1Journeys,
    }),
    c16: await journeysC16(`${label} journeys c16`),
  });
  const throughput = async (label: string, ms: (c: number) => number) => {
    const out = new Map<number, Phase>();
    for (const c of settings.concurrencies) {
      out.set(
        c,
        await run({ name: `${label} submit c${c}`, mode: 'submit', concurrency: c, from: 0, to: V, durationMs: ms(c) }),
      );
    }
    return out;
  };

  // ---- the app ---------------------------------------------------------------------------------------------
  const app = await startServer(
    'app',
    path.join(__dirname, '..', 'src', 'main.js'),
    { ...env, BENCH_MEMORY_FILE: path.join(runDir, 'app-memory.json') },
    ['--expose-gc', '-r', path.join(__dirname, 'gc-on-signal.js')],
  );
  await useTarget(app);
  const appJourneys = await journeys('app', true, settings.c1Journeys);
  const memoryFile = path.join(runDir, 'app-memory.json');
  const settledMemory = async () => {
    fs.rmSync(memoryFile, { force: true });
    process.kill(app.child.pid!, 'SIGUSR2');
    for (let i = 0; i < 50 && !fs.existsSync(memoryFile); i++) await sleep(20);
    await sleep(300);
    const m = JSON.parse(fs.readFileSync(memoryFile, 'utf8')) as { rss: number; heapUsed: number; external: number };
    return { rssMb: memoryOf(app.child.pid!).rssMb, heapMb: (m.heapUsed + m.external) / 1048576 };
  };
  const memBefore = await settledMemory();
  const distinct = await run({
    name: `app first use by ${settings.distinctUsers} distinct people`,
    mode: 'once',
    concurrency: 16,
    from: V,
    to: V + settings.distinctUsers,
  });
  const memDistinct = await settledMemory();
  const appThroughput = await throughput('app', (c) => settings.throughputMs[c] ?? 10_000);
  const memAfter = memoryOf(app.child.pid!);
  await app.stop();

  // ---- two instances sharing Redis behind a round-robin balancer (--instances 2) ----------------------------
  let twoInstances: { warm: Phase[]; c16: Phase; c64: Phase } | undefined;
  if (settings.instances === 2) {
    const redis = await startTestRedis();
    const shared = { ...env, REDIS_URL: redis.url, REDIS_ENCRYPTION_KEY: randomBytes(32).toString('base64') };
    const main = path.join(__dirname, '..', 'src', 'main.js');
    const apps = [await startServer('app-1', main, shared), await startServer('app-2', main, shared)];
    const balancer = await startRoundRobin(apps.map((a) => a.url));
    await useTarget({ ...apps[0], url: balancer.url }, [apps[1].child.pid!]);
    const warm = [
      await run({
        name: '2 instances warm-up journeys c16',
        mode: 'journey',
        concurrency: 16,
        from: 0,
        to: 16,
        iterations: 1,
      }),
      await run({
        name: '2 instances warm-up submits c64',
        mode: 'submit',
        concurrency: V,
        from: 0,
        to: V,
        iterations: 1,
      }),
    ];
    const c16 = await journeysC16('2 instances journeys c16');
    const c64 = await run({
      name: '2 instances submit c64',
      mode: 'submit',
      concurrency: 64,
      from: 0,
      to: V,
      durationMs: settings.throughputMs[64] ?? 10_000,
    });
    twoInstances = { warm, c16, c64 };
    log(`balancer: ${balancer.counts.join(' / ')} requests to app-1 / app-2`);
    await balancer.close();
    for (const a of apps) await a.stop();
    await redis.stop();
  }

  // ---- the framework floor -------------------------------------------------------------------------------
  const floor = await startServer('floor', path.join(__dirname, 'floor.js'), env);
  await useTarget(floor);
  await run({ name: 'floor warm-up', mode: 'submit', concurrency: 16, from: 0, to: V, durationMs: 500 });
  const floorThroughput = await throughput('floor', () => settings.floorMs);
  await floor.stop();

  // ---- the I/O floor: the floor plus the one createLink a share must make --------------------------------
  const ioTokensFile = path.join(runDir, 'io-floor-tokens.json');
  const ioTokens: Record<string, string> = {};
  for (const u of tenant.users.slice(0, V)) ioTokens[u.oid] = await sandbox.graphToken(u.upn);
  fs.writeFileSync(ioTokensFile, JSON.stringify(ioTokens));
  const ioFloor = await startServer('io-floor', path.join(__dirname, 'floor.js'), {
    ...env,
    BENCH_IO_FLOOR_TOKENS: ioTokensFile,
  });
  await useTarget(ioFloor);
  await run({ name: 'I/O floor warm-up', mode: 'submit', concurrency: V, from: 0, to: V, iterations: 1 });
  // One submit at a time, as many as the app's c1 journeys: the overhead a share cannot go below on this machine.
  const ioFloorC1 = await run({
    name: 'I/O floor submit c1',
    mode: 'submit',
    concurrency: 1,
    from: 0,
    to: 1,
    iterations: settings.c1Journeys,
  });
  const ioFloorC64 = await run({
    name: 'I/O floor submit c64',
    mode: 'submit',
    concurrency: 64,
    from: 0,
    to: V,
    durationMs: settings.floorMs,
  });
  await ioFloor.stop();

  // ---- the samples-pattern baseline ----------------------------------------------------------------------
  const baseline = await startServer('baseline', path.join(__dirname, 'baseline.js'), env);
  await useTarget(baseline);
  const baseJourneys = await journeys('baseline', false, settings.baselineC1Journeys);
  const baseC64 = await run({
    name: 'baseline submit c64',
    mode: 'submit',
    concurrency: 64,
    from: 0,
    to: V,
    durationMs: settings.baselineC64Ms,
  });
  await baseline.stop();

  // ---- one CPU profile of the app under load -------------------------------------------------------------
  let profile: ProfileSummary | undefined;
  let profiledInvokes = 0;
  if (settings.profile) {
    const profDir = path.join(runDir, 'cpu-profile');
    const profiled = await startServer('app-profiled', path.join(__dirname, '..', 'src', 'main.js'), env, [
      '--cpu-prof',
      `--cpu-prof-dir=${profDir}`,
    ]);
    await useTarget(profiled);
    // Warmed up as the measured app was (sign-ins, the 64 connections of a c64 burst; the load still holds the
    // dialogs' seals, which this process trusts, as the baseline does); only what follows is summarised, so
    // start-up, module loading and first-use work stay out of the profile.
    await warmUp('profiled', false);
    const window = { fromUs: monotonicUs(), toUs: Infinity };
    const profiledPhases = [
      await journeysC16('profiled journeys c16'),
      await run({
        name: 'profiled submit c64',
        mode: 'submit',
        concurrency: 64,
        from: 0,
        to: V,
        durationMs: settings.throughputMs[64],
      }),
    ];
    window.toUs = monotonicUs();
    profiledInvokes = profiledPhases.reduce((n, p) => n + p.joined.length, 0);
    await profiled.stop();
    const file = fs
      .readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(profDir, f))[0];
    if (file) {
      const kept = path.join(os.tmpdir(), 'share-link-bench-app.cpuprofile');
      fs.copyFileSync(file, kept);
      profile = summarizeCpuProfile(kept, 15, window);
      log(`CPU profile kept at ${kept} (open it in Chrome DevTools)`);
    }
  }
  load.exit();
  await sandbox.close();

  // ---- figures -------------------------------------------------------------------------------------------
  const out: string[] = [];
  out.push(
    `Share Link benchmark (${settings.quick ? 'quick' : 'full'}) — ${os.cpus().length} CPUs, Node ${process.version}, ` +
      `sandbox latency: Entra token ${settings.latency.token} ms, createLink ${settings.latency.createLink} ms, item lookup ${settings.latency.itemLookup} ms, ` +
      `search ${settings.latency.search} ms, Token Service ${settings.latency.tokenService} ms; ${V} virtual users + ${settings.distinctUsers} distinct first-time users`,
  );
  const latencyRows = (label: string, p: Phase) =>
    p.figures.map((f) => [
      label,
      f.kind,
      f.requests,
      f.errors,
      f.p50,
      f.p95,
      f.p99,
      f.overheadP50,
      f.overheadP95,
      f.overheadP99,
      f.graphPerInvoke,
      f.entraPerInvoke,
      f.tokenServicePerInvoke,
    ]);
  out.push(
    '',
    "Latency per invoke kind, end to end at the load generator (ms); overhead = latency − time the sandbox spent on that invoke's Graph/Entra/Token Service calls",
  );
  out.push(
    table(
      [
        'phase',
        'invoke',
        'requests',
        'errors',
        'p50',
        'p95',
        'p99',
        'ovh p50',
        'ovh p95',
        'ovh p99',
        'graph/inv',
        'entra/inv',
        'tokensvc/inv',
      ],
      [
        ...latencyRows('app c1', appJourneys.c1),
        ...latencyRows('app c16', appJourneys.c16),
        ...latencyRows('app first use c16', distinct),
        ...latencyRows('baseline c1', baseJourneys.c1),
        ...latencyRows('baseline c16', baseJourneys.c16),
      ],
    ),
  );
  const tput = (label: string, m: Map<number, Phase>) =>
    [...m].map(([c, p]) => {
      const f = fig(p, 'submit');
      const n = Math.max(1, f?.requests ?? 0);
      return [
        label,
        c,
        f?.rps ?? 0,
        f?.p50 ?? NaN,
        f?.p99 ?? NaN,
        f?.overheadP50 ?? NaN,
        f?.requests ?? 0,
        f?.errors ?? 0,
        p.cpuMs.target / n,
        p.cpuMs.sandbox / n,
        p.cpuMs.load / n,
      ];
    });
  out.push(
    '',
    'Submit throughput (createLink per submit; floor = botbuilder + same JWT validation + fixed card, no work; I/O floor = floor + one keep-alive HTTPS createLink per invoke with plain fetch)',
  );
  out.push(
    table(
      [
        'server',
        'concurrency',
        'submits/s',
        'p50 ms',
        'p99 ms',
        'ovh p50',
        'requests',
        'errors',
        'server CPU ms/inv',
        'sandbox CPU',
        'load CPU',
      ],
      [
        ...tput('app', appThroughput),
        ...tput('floor', floorThroughput),
        ...tput('I/O floor', new Map([[64, ioFloorC64]])),
        ...tput('baseline', new Map([[64, baseC64]])),
      ],
    ),
  );

  const appC1 = appJourneys.c1;
  const baseC1 = baseJourneys.c1;
  const steadyApp = [appJourneys.c1, appJourneys.c16];
  const steadyBase = [baseJourneys.c1, baseJourneys.c16];
  const firstUseApp = [distinct];
  const cpuPerInvokeOf = (p: Phase | undefined) => (p ? p.cpuMs.target / Math.max(1, p.joined.length) : NaN);
  const per100 = (phases: Phase[], prefix: string) =>
    (100 * sumCounts(phases, prefix)) / Math.max(1, sumCounts(phases, 'graph.createLink'));
  const allAppPhases = [
    ...appJourneys.warm,
    ...steadyApp,
    ...appThroughput.values(),
    distinct,
    ...(twoInstances ? [...twoInstances.warm, twoInstances.c16, twoInstances.c64] : []),
  ];
  const submitsOk = allAppPhases.reduce(
    (n, p) => n + (fig(p, 'submit')?.requests ?? 0) - (fig(p, 'submit')?.errors ?? 0),
    0,
  );
  const createLinks = sumCounts(allAppPhases, 'graph.createLink');
  const submitJoined = allAppPhases.flatMap((p) => p.joined.filter((r) => r.kind === 'submit' && r.ok));
  const graphPerShare = submitJoined.reduce((n, r) => n + r.graphCalls, 0) / Math.max(1, submitJoined.length);
  const journeyGraphPerShare = sumCounts(steadyApp, 'graph.') / Math.max(1, sumCounts(steadyApp, 'graph.createLink'));
  out.push('', 'Cost per share (journey = search + open dialog + submit + message action)');
  out.push(
    table(
      ['figure', 'app', 'baseline'],
      [
        [
          'Entra token requests per 100 shares, steady (journeys c1+c16)',
          per100(steadyApp, 'entra.token'),
          per100(steadyBase, 'entra.token'),
        ],
        [
          `Entra token requests per 100 shares, first use (${settings.distinctUsers} new people, 1 journey each)`,
          per100(firstUseApp, 'entra.token'),
          NaN,
        ],
        [
          'Token Service requests per 100 shares, steady',
          per100(steadyApp, 'tokenservice.'),
          per100(steadyBase, 'tokenservice.'),
        ],
        ['Graph requests per submit (createLink + lookups)', graphPerShare, NaN],
        [
          'Graph requests per journey share (search + /shares + createLink)',
          journeyGraphPerShare,
          sumCounts(steadyBase, 'graph.') / Math.max(1, sumCounts(steadyBase, 'graph.createLink')),
        ],
        ['Real createLink calls / successful submits (app, whole run)', `${createLinks} / ${submitsOk}`, ''],
      ],
    ),
  );
  const rssPer1000 = ((memDistinct.rssMb - memBefore.rssMb) / settings.distinctUsers) * 1000;
  const heapPer1000 = ((memDistinct.heapMb - memBefore.heapMb) / settings.distinctUsers) * 1000;
  out.push('', 'Memory of the app process');
  out.push(
    table(
      ['figure', 'MB'],
      [
        ['peak RSS (VmHWM) over the whole run', memAfter.peakMb],
        [
          `RSS before / after ${settings.distinctUsers} distinct people signed in and shared (after a full GC)`,
          `${round(memBefore.rssMb)} / ${round(memDistinct.rssMb)}`,
        ],
        ['RSS per 1,000 distinct signed-in users (noisy: RSS keeps freed pages)', rssPer1000],
        [
          `JS heap + external before / after (after a full GC)`,
          `${round(memBefore.heapMb)} / ${round(memDistinct.heapMb)}`,
        ],
        ['live JS memory per 1,000 distinct signed-in users', heapPer1000],
      ],
    ),
  );

  const submitRps64 = fig(appThroughput.get(64), 'submit')?.rps ?? NaN;
  if (twoInstances) {
    out.push('', 'One instance vs two instances sharing Redis behind a round-robin balancer (same machine, same run)');
    out.push(
      table(
        ['figure', '1 instance', '2 instances'],
        [
          ['submits/s at c64', submitRps64, fig(twoInstances.c64, 'submit')?.rps ?? NaN],
          [
            'submit p50 / p99 ms at c64',
            `${round(fig(appThroughput.get(64), 'submit')?.p50 ?? NaN)} / ${round(fig(appThroughput.get(64), 'submit')?.p99 ?? NaN)}`,
            `${round(fig(twoInstances.c64, 'submit')?.p50 ?? NaN)} / ${round(fig(twoInstances.c64, 'submit')?.p99 ?? NaN)}`,
          ],
          [
            'Entra token requests per 100 shares, journeys c16',
            per100([appJourneys.c16], 'entra.token'),
            per100([twoInstances.c16], 'entra.token'),
          ],
          [
            'server CPU ms per submit at c64 (all instances)',
            cpuPerInvokeOf(appThroughput.get(64)),
            cpuPerInvokeOf(twoInstances.c64),
          ],
        ],
      ),
    );
  }
  const cpuPerInvoke = cpuPerInvokeOf;
  const floorRps64 = fig(floorThroughput.get(64), 'submit')?.rps ?? NaN;
  const ioFloorRps64 = fig(ioFloorC64, 'submit')?.rps ?? NaN;
  const r = (a: number, b: number) => round(a / b);
  out.push('', 'Against the framework floor and the samples pattern');
  out.push(
    table(
      ['figure', 'value'],
      [
        [
          'submit throughput c64 / floor c64',
          `${round(submitRps64)} / ${round(floorRps64)} = ${r(submitRps64, floorRps64)}`,
        ],
        [
          'submit throughput c64 / I/O floor c64 (the physical limit of a share here)',
          `${round(submitRps64)} / ${round(ioFloorRps64)} = ${r(submitRps64, ioFloorRps64)}`,
        ],
        [
          'server CPU ms per submit c64: app / I/O floor / floor',
          `${round(cpuPerInvoke(appThroughput.get(64)))} / ${round(cpuPerInvoke(ioFloorC64))} / ${round(cpuPerInvoke(floorThroughput.get(64)))}`,
        ],
        [
          'server CPU ms per submit c64: app / floor',
          `${round(cpuPerInvoke(appThroughput.get(64)))} / ${round(cpuPerInvoke(floorThroughput.get(64)))}`,
        ],
        [
          'baseline / app submit p50 at c1',
          `${round(fig(baseC1, 'submit')!.p50)} / ${round(fig(appC1, 'submit')!.p50)} = ${r(fig(baseC1, 'submit')!.p50, fig(appC1, 'submit')!.p50)}x`,
        ],
        ['baseline / app submit p99 at c1', r(fig(baseC1, 'submit')!.p99, fig(appC1, 'submit')!.p99)],
        [
          'baseline / app query p50 at c1',
          `${round(fig(baseC1, 'query')!.p50)} / ${round(fig(appC1, 'query')!.p50)} = ${r(fig(baseC1, 'query')!.p50, fig(appC1, 'query')!.p50)}x`,
        ],
        ['baseline / app query p99 at c1', r(fig(baseC1, 'query')!.p99, fig(appC1, 'query')!.p99)],
        ['baseline / app query p50 at c16', r(fig(baseJourneys.c16, 'query')!.p50, fig(appJourneys.c16, 'query')!.p50)],
        [
          'baseline / app Entra requests per 100 shares (steady)',
          `${round(per100(steadyBase, 'entra.token'))} vs ${round(per100(steadyApp, 'entra.token'))}`,
        ],
      ],
    ),
  );
  if (profile) {
    out.push(
      '',
      `CPU profile of the app under load, after a warm-up like the measured app's (journeys c16 + submit c64): busy ${round(profile.busyMs)} ms for ${profiledInvokes} invokes (${round(profile.busyMs / profiledInvokes)} ms each); self time by origin`,
    );
    out.push(
      table(
        ['origin', 'ms', '%'],
        profile.byOrigin.map((e) => [e.name, e.ms, e.pct]),
      ),
    );
    out.push('', 'Top functions by self time');
    out.push(
      table(
        ['function', 'ms', '%'],
        profile.topFunctions.map((e) => [e.name.slice(0, 110), e.ms, e.pct]),
      ),
    );
    out.push('', 'Our functions by inclusive time (they and what they call)');
    out.push(
      table(
        ['function', 'ms', '%'],
        profile.oursInclusive.map((e) => [e.name.slice(0, 110), e.ms, e.pct]),
      ),
    );
  }
  const json = {
    mode: settings.quick ? 'quick' : 'full',
    submit_p50_ms: round(fig(appC1, 'submit')!.p50),
    submit_p99_ms: round(fig(appC1, 'submit')!.p99),
    submit_overhead_p50_ms: round(fig(appC1, 'submit')!.overheadP50),
    submit_overhead_p99_ms: round(fig(appC1, 'submit')!.overheadP99),
    io_floor_overhead_p50_ms_c1: round(fig(ioFloorC1, 'submit')?.overheadP50 ?? NaN),
    io_floor_overhead_p99_ms_c1: round(fig(ioFloorC1, 'submit')?.overheadP99 ?? NaN),
    submit_overhead_p50_ms_c16: round(fig(appJourneys.c16, 'submit')!.overheadP50),
    submit_overhead_p99_ms_c16: round(fig(appJourneys.c16, 'submit')!.overheadP99),
    query_p50_ms: round(fig(appC1, 'query')!.p50),
    query_p99_ms: round(fig(appC1, 'query')!.p99),
    query_overhead_p50_ms: round(fig(appC1, 'query')!.overheadP50),
    fetchtask_p50_ms: round(fig(appC1, 'fetchTask')!.p50),
    message_action_p50_ms: round(fig(appC1, 'messageAction')!.p50),
    submit_rps_c1: round(fig(appThroughput.get(1), 'submit')?.rps ?? NaN),
    submit_rps_c16: round(fig(appThroughput.get(16), 'submit')?.rps ?? NaN),
    submit_rps_c64: round(submitRps64),
    floor_rps_c64: round(floorRps64),
    rps_ratio_vs_floor: Math.round((submitRps64 / floorRps64) * 100) / 100,
    app_cpu_ms_per_submit_c64: round(cpuPerInvoke(appThroughput.get(64))),
    floor_cpu_ms_per_invoke_c64: round(cpuPerInvoke(floorThroughput.get(64))),
    io_floor_rps_c64: round(ioFloorRps64),
    io_floor_cpu_ms_per_invoke_c64: round(cpuPerInvoke(ioFloorC64)),
    rps_ratio_vs_io_floor: Math.round((submitRps64 / ioFloorRps64) * 100) / 100,
    entra_calls_per_100_shares: round(per100(steadyApp, 'entra.token')),
    entra_calls_per_100_shares_first_use: round(per100(firstUseApp, 'entra.token')),
    graph_calls_per_share: Math.round(graphPerShare * 100) / 100,
    real_create_links: createLinks,
    rss_mb_peak: round(memAfter.peakMb),
    rss_mb_per_1000_users: round(rssPer1000),
    heap_mb_per_1000_users: round(heapPer1000),
    errors: allAppPhases.reduce((n, p) => n + p.figures.reduce((m, f) => m + f.errors, 0), 0),
    baseline_submit_p50_ms: round(fig(baseC1, 'submit')!.p50),
    baseline_submit_p99_ms: round(fig(baseC1, 'submit')!.p99),
    baseline_query_p50_ms: round(fig(baseC1, 'query')!.p50),
    baseline_entra_calls_per_100_shares: round(per100(steadyBase, 'entra.token')),
    ...(twoInstances
      ? {
          submit_rps_c64_2_instances: round(fig(twoInstances.c64, 'submit')?.rps ?? NaN),
          entra_calls_per_100_shares_2_instances: round(per100([twoInstances.c16], 'entra.token')),
          entra_calls_per_100_shares_c16: round(per100([appJourneys.c16], 'entra.token')),
        }
      : {}),
    speedup_p50_vs_baseline: Math.round((fig(baseC1, 'submit')!.p50 / fig(appC1, 'submit')!.p50) * 100) / 100,
    speedup_p99_vs_baseline: Math.round((fig(baseC1, 'submit')!.p99 / fig(appC1, 'submit')!.p99) * 100) / 100,
    query_speedup_p50_vs_baseline: Math.round((fig(baseC1, 'query')!.p50 / fig(appC1, 'query')!.p50) * 100) / 100,
    seconds: Math.round((Date.now() - started) / 100) / 10,
  };
  console.log(out.join('\n'));
  console.log(JSON.stringify(json));
  fs.rmSync(runDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error('bench failed:', (err as Error).stack ?? err);
  process.exit(1);
});
