import * as path from 'node:path';
import type { StoreConfig } from '../config';
import { AzureTableShareLog } from './azureTableShareLog';
import type { ShareLog } from './shareLog';
import { SqliteShareLog } from './sqliteShareLog';

/** Opens the configured share log: Azure Table Storage when a connection string is set, else the SQLite file. */
export function createShareLog(store: StoreConfig): ShareLog {
  return store.kind === 'azureTable'
    ? new AzureTableShareLog(store.connectionString, store.table)
    : new SqliteShareLog(store.path);
}

/** Where records wait when the store refuses them: beside the SQLite file, or in the data directory. */
export function shareLogSpoolPath(store: StoreConfig, dataDir: string): string {
  return store.kind === 'sqlite' ? `${store.path}.spool.jsonl` : path.join(dataDir, 'share-log.spool.jsonl');
}
