// Starts a real wf_server for a test, the way an integrator's CI would: a
// fresh data folder, the test workflows of tests/testdata (nop_ke_hoach
// there needs no province plugin), a port chosen by the server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

// (import.meta.dirname is Node 20; Debian 12 has Node 18.)
const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '..', '..');
export const build = process.env.WF_BUILD ?? path.join(repo, 'build');

export async function startServer(extraFlags = []) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wf_node_'));
  const portFile = path.join(dataDir, 'port');
  const proc = spawn(path.join(build, 'engine', 'service', 'wf_server'), [
    '--listen=127.0.0.1:0', `--data_dir=${dataDir}`, `--port_file=${portFile}`,
    `--workflows_dir=${path.join(repo, 'tests', 'testdata')}`,
    `--calendar_file=${path.join(repo, 'plugins', 'vn', 'calendar.json')}`,
    ...extraFlags,
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr.on('data', (d) => { log += d; });
  for (let i = 0; i < 300 && !fs.existsSync(portFile); i++) await sleep(100);
  if (!fs.existsSync(portFile)) {
    proc.kill('SIGKILL');
    throw new Error(`the server did not start: ${log}`);
  }
  const port = fs.readFileSync(portFile, 'utf8').trim();
  const adminToken = fs.readFileSync(path.join(dataDir, 'admin.token'), 'utf8').trim();
  return {
    address: `127.0.0.1:${port}`,
    adminToken,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((resolve) => proc.once('exit', resolve));
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
