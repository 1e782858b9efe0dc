/** Messages between the benchmark driver (run.ts) and the load process (load.ts), over the fork IPC channel. */

/** A virtual user as the load process needs it: identity, SSO token and files. */
export interface LoadUser {
  oid: string;
  teamsId: string;
  name: string;
  ssoToken: string;
  driveId: string;
  files: Array<{ itemId: string; name: string; webUrl: string }>;
}

/** The invoke kinds the journeys send. */
export type InvokeKind = 'query' | 'fetchTask' | 'submit' | 'messageAction';

/**
 * journey: each worker keeps one user and repeats search → dialog → submit → message action.
 * submit: each worker keeps one user and repeats distinct submits (createLink).
 * once: workers take users from a queue; each user runs one journey (first sign-in of many distinct people).
 * dialogs: workers take users from a queue; each user opens the options dialog of each of their files (as a
 * person does before "Create link"), so later submits carry what the dialog sealed.
 */
export type PhaseMode = 'journey' | 'submit' | 'once' | 'dialogs';

export interface PhaseSpec {
  name: string;
  mode: PhaseMode;
  concurrency: number;
  /** Users [from, to) of the user list. */
  from: number;
  to: number;
  /** Stop after this many iterations per worker (journey/submit), whichever of this and durationMs comes first. */
  iterations?: number;
  durationMs?: number;
  /** dialogs: how many of each user's files (from the first); default all. */
  filesPerUser?: number;
}

export interface InvokeRecord {
  kind: InvokeKind;
  user: string;
  /** Epoch ms (high resolution) at send and at the end of the response. */
  start: number;
  end: number;
  status: number;
  ok: boolean;
  /** Why the answer was counted as an error (status or the answer's shape). */
  error?: string;
}

export interface PhaseResult {
  name: string;
  wallMs: number;
  records: InvokeRecord[];
}

export type ToLoad =
  | { type: 'init'; target: string; authorization: string; tenantId: string; botId: string; users: LoadUser[] }
  | { type: 'run'; phase: PhaseSpec }
  | { type: 'clock' }
  | { type: 'exit' };

export type FromLoad = { type: 'ready' } | { type: 'clock'; now: number } | { type: 'done'; result: PhaseResult };
