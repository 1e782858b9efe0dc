import * as path from 'node:path';
import { runTrusting } from '../sandbox/trust';

/** Usage: node dist/scripts/with-sandbox-ca.js <command> [args…] — runs it trusting the sandbox CA. */
const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error('usage: with-sandbox-ca <command> [args...]');
  process.exit(2);
}
const dataDir = process.env.SANDBOX_DATA_DIR || path.resolve('.sandbox-data');
runTrusting(dataDir, command, args).then((code) => process.exit(code));
