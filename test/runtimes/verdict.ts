/**
 * What the runtime tests share: where the built core and the runtimes'
 * binaries are, a time-bounded child process, and the check of an exchange
 * verdict against what Node computes from the same bodies.
 *
 * The tests load the built core (dist/core), as a user of the package
 * would: CI builds before it tests, and a missing build fails here with
 * the command that makes it.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { OK } from '../../src/core/constants.js';
import { BODY_LENGTH, GET_BODY_SEED, POST_BODY_SEED, patternBody } from './bodies.mjs';
import type { Verdict, VersionVerdict } from './exchange.mjs';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const mainScript = 'test/runtimes/main.mjs';

/** How long one runtime may take for the whole exchange, start-up included. */
export const RUN_LIMIT_MS = 60_000;
/** The vitest limit for a runtime test: the run's limit plus room to report. */
export const TEST_LIMIT_MS = RUN_LIMIT_MS + 30_000;

/** Throws, naming the fix, unless the core has been built. */
export function requireBuiltCore(): void {
  if (!existsSync(`${root}dist/core/index.js`)) {
    throw new Error('dist/core/index.js is missing: run `npm run build` before these tests (CI does)');
  }
}

/** The path of an npm-installed binary, or an error naming the package to install. */
export function installedBinary(name: string): string {
  const path = `${root}node_modules/.bin/${name}`;
  if (!existsSync(path)) throw new Error(`${path} is missing: the devDependency \`${name}\` is not installed (npm ci)`);
  return path;
}

/** The version of an installed package, to check that its binary is the one that ran. */
export function installedVersion(name: string): string {
  return (JSON.parse(readFileSync(`${root}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/** Runs a command from the project root, killed at RUN_LIMIT_MS; rejects with its output on failure. */
export function runBounded(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: root, env: { ...process.env, NO_COLOR: '1', ...env }, timeout: RUN_LIMIT_MS, killSignal: 'SIGKILL', maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error) {
          const why = error.killed ? `killed after ${RUN_LIMIT_MS} ms` : error.message;
          reject(new Error(`${file} ${args.join(' ')}: ${why}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        } else {
          resolve({ stdout, stderr });
        }
      },
    );
  });
}

/** The verdict among printed lines: the last one that is a JSON object with `ok`. */
export function findVerdict(lines: string[]): Verdict | null {
  for (const line of [...lines].reverse()) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      const parsed = JSON.parse(text) as Verdict;
      if (typeof parsed.ok === 'boolean') return parsed;
    } catch {
      // Not the verdict: keep looking.
    }
  }
  return null;
}

function nodeSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The bodies' hashes as Node's own crypto computes them. */
export const expected = {
  get: nodeSha256(patternBody(GET_BODY_SEED, BODY_LENGTH)),
  post: nodeSha256(patternBody(POST_BODY_SEED, BODY_LENGTH)),
  empty: nodeSha256(new Uint8Array(0)),
};

let nodeRun: Promise<Verdict> | undefined;

/**
 * The same exchange run here in Node: the core is deterministic, so every
 * runtime must match it to the byte. Loaded on first use, after
 * requireBuiltCore has had its say about a missing build.
 */
function nodeVerdict(): Promise<Verdict> {
  nodeRun ??= import('./exchange.mjs').then(({ exchange }) => exchange());
  return nodeRun;
}

/**
 * Asserts that `verdict` is a complete, correct exchange over every version,
 * run by the runtime `runtime` names: both bodies crossed whole, hashed in
 * that runtime to what Node computes, both streams closed OK, and every
 * count equal to Node's run of the same script.
 */
export async function expectGoodExchange(verdict: Verdict | null, runtime: RegExp): Promise<void> {
  expect(verdict, 'the runtime printed no verdict').not.toBeNull();
  if (verdict!.ok === false) throw new Error(`the exchange failed in ${verdict!.runtime}:\n${verdict!.error}`);
  const good = verdict!;
  expect(good.runtime).toMatch(runtime);
  expect(good.bodyLength).toBe(BODY_LENGTH);
  // Two different bodies, or an echo of the wrong one would pass unseen.
  expect(expected.get).not.toBe(expected.post);
  expect(good.sent).toEqual({ get: expected.get, post: expected.post });
  expect(good.versions.map((v) => v.protocol)).toEqual(['spdy/2', 'spdy/3', 'spdy/3.1']);
  for (const version of good.versions) expectGoodVersion(version);

  const reference = await nodeVerdict();
  if (reference.ok === false) throw new Error(`the exchange failed in Node itself:\n${reference.error}`);
  expect(good.versions).toEqual(reference.versions);
}

function expectGoodVersion(v: VersionVerdict): void {
  const where = `over ${v.protocol}`;
  expect(v.get.serverReceived, `GET ${where}`).toEqual({ streamId: 1, path: '/blob', bytes: 0, sha256: expected.empty });
  expect(v.get.response, `GET response ${where}`).toEqual({ status: '200 OK', bytes: BODY_LENGTH, sha256: expected.get });
  expect(v.post.serverReceived, `POST ${where}`).toEqual({ streamId: 3, path: '/echo', bytes: BODY_LENGTH, sha256: expected.post });
  expect(v.post.response, `POST response ${where}`).toEqual({ status: '200 OK', bytes: BODY_LENGTH, sha256: expected.post });
  expect(v.closed, `stream close codes ${where}`).toEqual({ 1: OK, 3: OK });
  expect(v.client, `client after GOAWAY ${where}`).toEqual({ wantRead: false, wantWrite: false });
  // Two 1 MiB bodies one way and one the other, plus frame heads and headers.
  expect(v.wireBytes).toBeGreaterThan(3 * BODY_LENGTH);
}
