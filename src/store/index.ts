import * as fs from 'node:fs';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { StoreConfig } from '../config';
import type { Logger } from '../log';
import { AzureTableShareLog } from './azureTableShareLog';
import { JournaledShareLog, type JournaledShareLogOptions } from './journaledShareLog';
import { ShareJournal, type JournalFs } from './shareJournal';
import type { ShareLog, ShareRecord } from './shareLog';
import { SqliteShareLog } from './sqliteShareLog';

/** Opens the configured store: Azure Table Storage when a connection string is set, else the SQLite file. */
export function createShareLog(store: StoreConfig, log?: Logger): ShareLog {
  return store.kind === 'azureTable'
    ? new AzureTableShareLog(store.connectionString, store.table, { log })
    : new SqliteShareLog(store.path, { log });
}

/** Where the share journal lives: beside the SQLite file, or in the data directory. */
export function shareJournalPath(store: StoreConfig, dataDir: string): string {
  return store.kind === 'sqlite' ? `${store.path}.journal` : path.join(dataDir, 'share-journal');
}

/** The spool file of earlier versions (records a store refused), imported into the journal at start. */
export function shareLogSpoolPath(store: StoreConfig, dataDir: string): string {
  return store.kind === 'sqlite' ? `${store.path}.spool.jsonl` : path.join(dataDir, 'share-log.spool.jsonl');
}

/**
 * The share log the app uses: the configured store behind the share journal, with what an earlier run left
 * (journal entries, or an old spool file) replayed and on its way to the store.
 */
export async function openShareLog(
  store: StoreConfig,
  dataDir: string,
  log: Logger,
  options: JournaledShareLogOptions & { journalFs?: JournalFs; backend?: ShareLog } = {},
): Promise<JournaledShareLog> {
  const backend = options.backend ?? createShareLog(store, log.child({ component: 'share-store' }));
  const journal = await ShareJournal.open(shareJournalPath(store, dataDir), {
    log: log.child({ component: 'share-journal' }),
    fs: options.journalFs,
  });
  await importSpool(shareLogSpoolPath(store, dataDir), journal, log);
  const shareLog = new JournaledShareLog(backend, journal, log.child({ component: 'share-log' }), options);
  void shareLog.flush();
  return shareLog;
}

async function importSpool(file: string, journal: ShareJournal, log: Logger): Promise<void> {
  if (!fs.existsSync(file)) return;
  const records = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .flatMap((line) => {
      try {
        return line ? [JSON.parse(line) as ShareRecord] : [];
      } catch {
        return [];
      }
    });
  for (const r of records) await journal.created(randomUUID(), r);
  await journal.flushed();
  fs.rmSync(file, { force: true });
  log.info({ records: records.length }, 'share log: the spool of an earlier version moved into the journal');
}
