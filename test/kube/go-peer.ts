/**
 * The Go test peer (test/kube/go/kubepeer): built once from its source with
 * Debian's Go toolchain against Debian's spdystream, in GOPATH mode and
 * offline, and cached by the hash of its source under the system's temp
 * directory. Missing Go or spdystream is a failure with the fix in its
 * message, never a skip: these tests are the proof that we interoperate.
 */
import { execFile, spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where Debian's golang-*-dev packages put their sources. */
const GOPATH = '/usr/share/gocode';
const SPDYSTREAM = join(GOPATH, 'src/github.com/moby/spdystream');
const SOURCE_DIR = fileURLToPath(new URL('./go/kubepeer/', import.meta.url));
const INSTALL_HINT =
  'install the Debian packages golang-go and golang-github-docker-spdystream-dev ' +
  '(apt-get install golang-go golang-github-docker-spdystream-dev; .ci/run does this)';

function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeout: number, cwd?: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, timeout, cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(Object.assign(error, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

let built: Promise<string> | undefined;

/** The path of the built peer; builds it the first time (per source version). */
export function kubepeer(): Promise<string> {
  built ??= build();
  return built;
}

async function build(): Promise<string> {
  let version: string;
  try {
    version = (await run('go', ['version'], process.env, 30_000)).stdout.trim();
  } catch (error) {
    throw new Error(`the Go test peer needs Go, which is not installed here: ${INSTALL_HINT}`, { cause: error });
  }
  if (!existsSync(join(SPDYSTREAM, 'connection.go'))) {
    throw new Error(`the Go test peer needs spdystream's source in ${SPDYSTREAM}, which is missing: ${INSTALL_HINT}`);
  }
  const source = readFileSync(join(SOURCE_DIR, 'main.go'));
  const key = createHash('sha256').update(version).update(source).digest('hex').slice(0, 16);
  const dir = join(tmpdir(), 'spdylay-kubepeer');
  const binary = join(dir, `kubepeer-${key}`);
  if (existsSync(binary)) return binary;
  mkdirSync(dir, { recursive: true });
  // Several test files may build at once: each writes its own file, the rename is atomic.
  const partial = `${binary}.${process.pid}.partial`;
  const env = { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOCACHE: join(dir, 'go-build-cache'), CGO_ENABLED: '0' };
  try {
    // GOPATH mode builds a directory given relatively (".") against the packages in GOPATH.
    await run('go', ['build', '-o', partial, '.'], env, 180_000, SOURCE_DIR);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`building the Go test peer failed (${INSTALL_HINT} if a package is missing):\n${stderr}`, { cause: error });
  }
  renameSync(partial, binary);
  return binary;
}

export interface GoServer {
  port: number;
  podUrl: string;
  stop(): Promise<void>;
}

/** Starts `kubepeer serve`; it stops when its stdin closes (stop()), or when this process goes. */
export async function startGoServer(): Promise<GoServer> {
  const child: ChildProcessWithoutNullStreams = spawn(await kubepeer(), ['serve'], { stdio: 'pipe' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('kubepeer serve did not start within 20 s')), 20_000);
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening (\d+)\n/.exec(out);
      if (match !== null) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubepeer serve exited with ${String(code)}`));
    });
  });
  return {
    port,
    podUrl: `http://127.0.0.1:${port}/api/v1/namespaces/default/pods/go-pod`,
    async stop() {
      child.stdin.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Runs a Go client (`exec ...` or `forward ...`) and parses the JSON line it prints. */
export async function runGoClient<T>(args: string[]): Promise<T> {
  const { stdout } = await run(await kubepeer(), args, process.env, 60_000);
  return JSON.parse(stdout) as T;
}
