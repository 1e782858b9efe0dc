import { odata, RestError, TableClient, type TableEntityResult, type TransactionAction } from '@azure/data-tables';
import type { Logger } from '../log';
import type { ShareLog, ShareRecord } from './shareLog';
import { parseStoredRecord } from './storedRecord';

/**
 * Layout (one partition per tenant, so every write of a share is one entity-group transaction):
 * - share row   RowKey `s!{b64(permissionId)}!{b64(userObjectId)}`: one per permission and sharer (Graph returns the
 *   same permission to everyone who asks for the same link); point reads for get and put, a range scan over
 *   `s!{b64(permissionId)}!` for every sharer of a permission (revocation). Tables written before sharers were
 *   part of the key hold `s!{b64(permissionId)}` rows: they are read as their sharer's record and replaced by the
 *   new key on that person's next put.
 * - by-user row RowKey `u!{b64(userObjectId)}!{inverted createdAt}!{b64(permissionId)}`: a copy of the share
 *   row, so "newest first for one user" is a RowKey range scan that the service already returns in order and
 *   can stop after `limit` rows. Azure Tables has no server-side sort, and filtering the tenant's partition on
 *   a userObjectId column would read every share of the tenant for each tab load.
 * Keys are base64url because Azure forbids / \ # ? and control characters in keys; `!` and `"` are outside
 * that alphabet, so they separate the parts and bound the range without ambiguity.
 */
const SHARE_PREFIX = 's!';
const USER_PREFIX = 'u!';
/** Largest Date value in ms; `MAX_MS - t` sorts newest first as a fixed-width string. */
const MAX_MS = 8_640_000_000_000_000;
/** A string property may hold 64 KiB = 32,768 UTF-16 code units; the JSON is split below that. */
const CHUNK_CHARS = 30_000;
/** An entity may hold 1 MiB in all; two UTF-16 bytes per char, with room for the other columns. */
const MAX_RECORD_CHARS = 480_000;
/**
 * Optimistic-concurrency retries when another writer changed the same share between read and write. Each round
 * lets at least one writer through, so this covers as many concurrent writers of one share (Teams retries, a
 * revoke racing a re-share); a short random pause spreads them out.
 */
const CONFLICT_RETRIES = 8;

export interface AzureTableShareLogOptions {
  /** Per-operation deadline; a hung connection must not hold a share (the writer spools instead). */
  operationTimeoutMs?: number;
  /** SDK retries on transient failures (connection refused, 5xx, 429). */
  maxRetries?: number;
  retryDelayInMs?: number;
  /** Where a damaged row (not a record) is reported; it is skipped either way. */
  log?: Logger;
}

interface ShareColumns {
  kind: 'share' | 'byUser';
  tenantId: string;
  permissionId: string;
  userObjectId: string;
  createdAt: string;
  revokedAt?: string;
  revokedBy?: string;
  /** RowKey of the by-user copy, so a replace or revocation finds it. */
  userRowKey: string;
  recordParts: number;
  [part: `record${number}`]: string;
}

/** Share log in an Azure Storage (or Cosmos DB Table API) table; used when a connection string is configured. */
export class AzureTableShareLog implements ShareLog {
  private readonly client: TableClient;
  private readonly timeoutMs: number;
  private tableReady?: Promise<void>;

  private readonly log?: Logger;

  constructor(connectionString: string, table: string, options: AzureTableShareLogOptions = {}) {
    this.log = options.log;
    this.timeoutMs = options.operationTimeoutMs ?? 5000;
    this.client = TableClient.fromConnectionString(connectionString, table, {
      // Plain http only for an emulator on this machine (Azurite); a cloud endpoint stays https-only.
      allowInsecureConnection: isLoopbackHttpEndpoint(connectionString),
      retryOptions: {
        maxRetries: options.maxRetries ?? 2,
        retryDelayInMs: options.retryDelayInMs ?? 250,
        maxRetryDelayInMs: 2000,
      },
    });
  }

  async put(record: ShareRecord): Promise<void> {
    const pk = partitionKey(record.tenantId);
    const shareKey = shareRowKey(record.permissionId, record.userObjectId);
    const userKey = userRowKey(record.userObjectId, record.createdAt, record.permissionId);
    await this.withRetries(async () => {
      const existing = await this.readShare(pk, shareKey);
      const legacy = existing ? undefined : await this.readLegacyShare(pk, record.permissionId, record.userObjectId);
      const before = existing ?? legacy;
      // Like the SQLite store, a revocation survives a later put of the same permission.
      const revoked = before?.revokedAt ? before : record;
      const columns = toColumns(record, userKey, revoked.revokedAt, revoked.revokedBy);
      const actions: TransactionAction[] = [];
      if (existing) {
        actions.push([
          'update',
          { partitionKey: pk, rowKey: shareKey, ...columns, kind: 'share' },
          'Replace',
          { etag: existing.etag },
        ]);
      } else {
        actions.push(['create', { partitionKey: pk, rowKey: shareKey, ...columns, kind: 'share' }]);
      }
      if (legacy) actions.push(['delete', { partitionKey: pk, rowKey: legacy.rowKey! }]);
      if (before && before.userRowKey !== userKey)
        actions.push(['delete', { partitionKey: pk, rowKey: before.userRowKey }]);
      actions.push(['upsert', { partitionKey: pk, rowKey: userKey, ...columns, kind: 'byUser' }, 'Replace']);
      await this.client.submitTransaction(actions, { abortSignal: this.deadline() });
    });
  }

  async listByUser(tenantId: string, userObjectId: string, limit: number): Promise<ShareRecord[]> {
    if (limit <= 0) return [];
    const prefix = `${USER_PREFIX}${b64(userObjectId)}!`;
    const upper = `${USER_PREFIX}${b64(userObjectId)}"`;
    return this.withTable(async () => {
      const out: ShareRecord[] = [];
      const rows = this.client.listEntities<ShareColumns>({
        queryOptions: {
          filter: odata`PartitionKey eq ${partitionKey(tenantId)} and RowKey ge ${prefix} and RowKey lt ${upper}`,
        },
        abortSignal: this.deadline(),
      });
      for await (const page of rows.byPage({ maxPageSize: Math.min(limit, 1000) })) {
        for (const row of page) {
          out.push(...this.records([row]));
          if (out.length >= limit) return out;
        }
      }
      return out;
    });
  }

  async get(tenantId: string, permissionId: string, userObjectId: string): Promise<ShareRecord | undefined> {
    const pk = partitionKey(tenantId);
    const row = await this.withTable(
      async () =>
        (await this.readShare(pk, shareRowKey(permissionId, userObjectId))) ??
        (await this.readLegacyShare(pk, permissionId, userObjectId)),
    );
    return row ? this.records([row])[0] : undefined;
  }

  async listByPermission(tenantId: string, permissionId: string): Promise<ShareRecord[]> {
    const rows = await this.withTable(() => this.readSharesOf(partitionKey(tenantId), permissionId));
    return this.records(rows).sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  }

  async markRevoked(tenantId: string, permissionId: string, at: string, by: string): Promise<void> {
    const pk = partitionKey(tenantId);
    await this.withRetries(async () => {
      const rows = (await this.readSharesOf(pk, permissionId)).filter((r) => !r.revokedAt);
      if (!rows.length) return;
      const patch = { revokedAt: at, revokedBy: by };
      const actions: TransactionAction[] = rows.flatMap((row): TransactionAction[] => [
        ['update', { partitionKey: pk, rowKey: row.rowKey!, ...patch }, 'Merge', { etag: row.etag }],
        ['update', { partitionKey: pk, rowKey: row.userRowKey, ...patch }, 'Merge'],
      ]);
      // An entity-group transaction holds at most 100 operations: two per sharer.
      for (let i = 0; i < actions.length; i += 100)
        await this.client.submitTransaction(actions.slice(i, i + 100), { abortSignal: this.deadline() });
    });
  }

  async ping(): Promise<void> {
    await this.withTable(async () => {
      const probe = this.client.listEntities({
        queryOptions: { filter: odata`PartitionKey eq ${'!ping'}`, select: ['PartitionKey'] },
        abortSignal: this.deadline(),
      });
      await probe.byPage({ maxPageSize: 1 }).next();
    });
  }

  async close(): Promise<void> {
    // The SDK keeps no connection that needs closing; pending requests end with their deadline.
  }

  /** The rows' records; a damaged row (its parts are not a record) is reported and left out. */
  private records(rows: ShareColumns[]): ShareRecord[] {
    const out: ShareRecord[] = [];
    for (const row of rows) {
      let json = '';
      for (let i = 0; i < (Number(row.recordParts) || 0); i++) json += row[`record${i}`] ?? '';
      const r = parseStoredRecord(json);
      if (r) out.push({ ...r, revokedAt: row.revokedAt ?? undefined, revokedBy: row.revokedBy ?? undefined });
      else
        this.log?.error(
          { tenantId: row.tenantId, permissionId: row.permissionId },
          'share log: skipped a damaged record (not valid record JSON)',
        );
    }
    return out;
  }

  private async readShare(pk: string, rk: string): Promise<TableEntityResult<ShareColumns> | undefined> {
    try {
      return await this.client.getEntity<ShareColumns>(pk, rk, { abortSignal: this.deadline() });
    } catch (err) {
      if (err instanceof RestError && err.statusCode === 404 && errorCode(err) !== 'TableNotFound') return undefined;
      throw err;
    }
  }

  /** The share row of a table written before sharers were part of the key, when it is this person's. */
  private async readLegacyShare(
    pk: string,
    permissionId: string,
    userObjectId: string,
  ): Promise<TableEntityResult<ShareColumns> | undefined> {
    const row = await this.readShare(pk, `${SHARE_PREFIX}${b64(permissionId)}`);
    return row && row.userObjectId === userObjectId ? row : undefined;
  }

  /** Every share row of a permission: one per sharer, plus a row of the earlier layout if there is one. */
  private async readSharesOf(pk: string, permissionId: string): Promise<Array<TableEntityResult<ShareColumns>>> {
    const legacy = `${SHARE_PREFIX}${b64(permissionId)}`;
    const rows = this.client.listEntities<ShareColumns>({
      queryOptions: {
        filter: odata`PartitionKey eq ${pk} and ((RowKey ge ${`${legacy}!`} and RowKey lt ${`${legacy}"`}) or RowKey eq ${legacy})`,
      },
      abortSignal: this.deadline(),
    });
    const out: Array<TableEntityResult<ShareColumns>> = [];
    for await (const row of rows) out.push(row);
    return out;
  }

  /** Re-reads and rewrites when another writer got there first (412 on the ETag, 409 on create). */
  private async withRetries(write: () => Promise<void>): Promise<void> {
    await this.withTable(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await write();
        } catch (err) {
          const conflict = err instanceof RestError && (err.statusCode === 412 || err.statusCode === 409);
          if (!conflict || attempt >= CONFLICT_RETRIES) throw err;
          await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * (attempt + 1)));
        }
      }
    });
  }

  /** Creates the table on first use, and again if it was deleted meanwhile (e.g. a fresh emulator). */
  private async withTable<T>(op: () => Promise<T>): Promise<T> {
    await this.ensureTable();
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof RestError && errorCode(err) === 'TableNotFound')) throw err;
      this.tableReady = undefined;
      await this.ensureTable();
      return op();
    }
  }

  private ensureTable(): Promise<void> {
    this.tableReady ??= this.client.createTable({ abortSignal: this.deadline() }).then(
      () => undefined,
      (err: unknown) => {
        this.tableReady = undefined;
        if (err instanceof RestError && err.statusCode === 409) return;
        throw err;
      },
    );
    return this.tableReady;
  }

  private deadline(): AbortSignal {
    return AbortSignal.timeout(this.timeoutMs);
  }
}

/** Encodes any string into the key-safe base64url alphabet. */
function b64(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}

function partitionKey(tenantId: string): string {
  return b64(tenantId);
}

function shareRowKey(permissionId: string, userObjectId: string): string {
  return `${SHARE_PREFIX}${b64(permissionId)}!${b64(userObjectId)}`;
}

function userRowKey(userObjectId: string, createdAt: string, permissionId: string): string {
  const ms = Date.parse(createdAt);
  const inverted = String(MAX_MS - (Number.isFinite(ms) ? ms : 0)).padStart(16, '0');
  return `${USER_PREFIX}${b64(userObjectId)}!${inverted}!${b64(permissionId)}`;
}

function toColumns(
  r: ShareRecord,
  userKey: string,
  revokedAt?: string,
  revokedBy?: string,
): Omit<ShareColumns, 'kind'> {
  const { revokedAt: _a, revokedBy: _b, ...rest } = r;
  const parts = splitJson(JSON.stringify(rest));
  const columns: Omit<ShareColumns, 'kind'> = {
    tenantId: r.tenantId,
    permissionId: r.permissionId,
    userObjectId: r.userObjectId,
    createdAt: r.createdAt,
    userRowKey: userKey,
    recordParts: parts.length,
  };
  parts.forEach((part, i) => (columns[`record${i}`] = part));
  if (revokedAt !== undefined) columns.revokedAt = revokedAt;
  if (revokedBy !== undefined) columns.revokedBy = revokedBy;
  return columns;
}

/** Splits the record's JSON into property-sized parts, never between the two halves of a surrogate pair. */
function splitJson(json: string): string[] {
  if (json.length > MAX_RECORD_CHARS) {
    throw new Error(
      `share record is too large for Azure Table Storage (${json.length} characters, at most ${MAX_RECORD_CHARS})`,
    );
  }
  const parts: string[] = [];
  for (let i = 0; i < json.length;) {
    let end = Math.min(i + CHUNK_CHARS, json.length);
    const last = json.charCodeAt(end - 1);
    if (end < json.length && last >= 0xd800 && last <= 0xdbff) end--;
    parts.push(json.slice(i, end));
    i = end;
  }
  return parts;
}

function errorCode(err: RestError): string | undefined {
  const details = err.details as { odataError?: { code?: string } } | undefined;
  return details?.odataError?.code ?? err.code;
}

/** True when the connection string's table endpoint is plain http on this machine (the Azurite emulator). */
function isLoopbackHttpEndpoint(connectionString: string): boolean {
  if (/usedevelopmentstorage=true/i.test(connectionString)) return true;
  const endpoint = /(?:^|;)\s*TableEndpoint=([^;]+)/i.exec(connectionString)?.[1];
  if (!endpoint) return false;
  try {
    const url = new URL(endpoint);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}
