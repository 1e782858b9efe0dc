import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderManifest } from '../../appPackage/build';
import { SANDBOX_TEAMS_APP_ID } from '../config';
import { describePlayground, startPlayground, type RunningPlayground } from './playground';

/**
 * Sandbox mode's Agents Playground: renders the app manifest for the local bot (so the banner can name the
 * commands), starts the Playground on 127.0.0.1 as a sandbox user, and returns it with the line telling where to click.
 */
export async function startSandboxPlayground(opts: {
  dataDir: string;
  port: number;
  botEndpoint: string;
  currentUser: string;
  botId: string;
}): Promise<RunningPlayground & { banner: string }> {
  const manifest = renderManifest({
    TEAMS_APP_ID: SANDBOX_TEAMS_APP_ID,
    BOT_ID: opts.botId,
    AAD_APP_CLIENT_ID: opts.botId,
    BOT_DOMAIN: '127.0.0.1',
    APP_NAME_SUFFIX: ' (sandbox)',
  });
  const manifestPath = path.join(opts.dataDir, 'manifest.sandbox.json');
  fs.writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
  const running = await startPlayground({
    dataDir: opts.dataDir,
    port: opts.port,
    botEndpoint: opts.botEndpoint,
    manifestPath,
    currentUser: opts.currentUser,
    botId: opts.botId,
  });
  return { ...running, banner: describePlayground(running) };
}
