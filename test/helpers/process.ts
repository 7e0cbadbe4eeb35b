/**
 * Running the real `metronome` command as a child process: src/cli.ts bundled once per test run
 * by esbuild (test/helpers/global-setup.ts), the same transform tsx applies file by file. Started
 * through tsx, each command spent ~2.5 s compiling before it ran on a slow machine; the bundle
 * starts in ~1 s.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** Two folders below the root, like src/cli.ts: its paths relative to itself (web/dist, package.json) hold. */
export const CLI_BUNDLE = path.join(ROOT, 'test-artifacts', 'cli', 'metronome.mjs');
/** The arguments that run the `metronome` command with node. */
export const CLI_ARGS: readonly string[] = [CLI_BUNDLE];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export function runCommand(args: string[], env: Record<string, string>, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...CLI_ARGS, ...args], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** Starts `metronome serve` and resolves once /healthz answers (on `port`: a restart on the same address). */
export async function startServerProcess(env: Record<string, string>, options: { port?: number } = {}): Promise<{ child: ChildProcess; url: string }> {
  const port = options.port ?? (await freePort());
  const child = spawn(process.execPath, [...CLI_ARGS, 'serve'], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) return { child, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`server did not become healthy: ${output}`);
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}
