/**
 * CI smoke test of the benchmark harness: `node bench/run.mjs --quick
 * --json FILE` must finish and report every in-memory workload, for both
 * versions, with positive numbers for ours, the peer and (where there is
 * one) the zlib floor; and every socket workload, over TLS and TCP, with
 * positive rates and CPU times for all three stacks, each having spoken the
 * protocol it should; and the proxy workload P (FILE.proxy.json) every
 * variant, spdyproxy's floor among them, nghttpx's only where it is
 * installed (otherwise a note says it was skipped). It never asserts on speed: CI machines vary, and the
 * scoreboard is `npm run bench`, not this test.
 *
 * The bench imports the built package (dist/); CI builds before testing,
 * and a missing build is made here first.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('..', import.meta.url));

/** The workloads and what each row must carry (written out, not read from bench/). */
const EXPECTED: Array<{ workload: string; unit: string; floor: boolean; extra?: string }> = [
  { workload: 'W1', unit: 'req/s', floor: true },
  { workload: 'W2 64K', unit: 'MB/s', floor: false },
  { workload: 'W2 1M', unit: 'MB/s', floor: false },
  { workload: 'W3', unit: 'frames/s', floor: true },
  { workload: 'W3r', unit: 'frames/s', floor: true, extra: 'W3r block size' },
  { workload: 'M', unit: 'B/session', floor: false, extra: 'M heap+ext' },
];
const VERSIONS = ['spdy/3', 'spdy/3.1'];

/** The socket workloads, each over both transports, with the protocol each stack must have spoken. */
const SOCKET_EXPECTED: Array<{ workload: string; unit: string; costUnit: string }> = [
  { workload: 'S1', unit: 'req/s', costUnit: 'µs/req' },
  { workload: 'S2', unit: 'MB/s', costUnit: 'µs/MB' },
];
const TRANSPORTS = [
  { name: 'TLS', protocols: { ours: 'spdy/3.1', spdy: 'spdy/3.1', http2: 'h2' } },
  { name: 'TCP', protocols: { ours: 'spdy/3.1', spdy: 'spdy/3.1', http2: 'h2c' } },
];
const STACKS = ['ours', 'spdy', 'http2'] as const;

interface Extra {
  metric: string;
  ours: number | null;
  peer: number | null;
}
interface SocketRow {
  workload: string;
  transport: string;
  unit: string;
  ours: number | null;
  spdy: number | null;
  http2: number | null;
  vsSpdy: number | null;
  vsHttp2: number | null;
  protocols: Record<string, string | null>;
  runs: number;
  extras: Array<{ metric: string; unit: string; ours: number | null; spdy: number | null; http2: number | null }>;
}
interface Row {
  transport?: undefined;
  workload: string;
  version: string;
  unit: string;
  ours: number | null;
  peer: number | null;
  ratio: number | null;
  floor: number | null;
  ratioToFloor: number | null;
  runs: number;
  extras?: Extra[];
}

interface ProxyRow {
  workload: string;
  variant: string;
  reqPerS: number | null;
  p50Ms: number | null;
  p99Ms: number | null;
  addedP50Ms: number | null;
  cpuUsPerReq: number | null;
  runs: number;
}

interface Summary {
  median: number;
  min: number;
  max: number;
}
interface PoolRow {
  workload: string;
  mode: string;
  concurrency: number;
  rate: Summary | null;
  p50Ms: Summary | null;
  p99Ms: Summary | null;
  mainCpuUs: Summary | null;
  processCpuUs: Summary | null;
  runs: number;
}

/** The zlib pool workloads (bench/pool/) and the modes each compares. */
const POOL_MODES: Record<string, string[]> = { H: ['in-thread', 'pool'], G: ['in-thread', 'pool', 'node:zlib'], T: ['in-thread', 'pool', 'node:zlib'] };

/** P's variants: the ones every machine runs (spdyproxy's floor, its two halves, among them), and nghttpx's pair where it is installed. */
const PROXY_VARIANTS = ['direct', 'spdyproxy', 'http-proxy', 'floor: undici', 'floor: SPDY'];
const NGHTTPX_VARIANTS = ['direct (h2load)', 'nghttpx'];

const positive = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;

describe('npm run bench -- --quick', () => {
  let dir = '';
  let rows: Row[] = [];
  let socketRows: SocketRow[] = [];
  let proxyRows: ProxyRow[] = [];
  let poolRows: PoolRow[] = [];
  let stdout = '';

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'index.js'))) {
      await run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root });
    }
    dir = mkdtempSync(join(tmpdir(), 'spdylay-bench-'));
    const jsonFile = join(dir, 'bench.json');
    // A few minutes on an idle 2-core machine, several times that on a shared one.
    const result = await run(process.execPath, ['bench/run.mjs', '--quick', '--json', jsonFile], {
      cwd: root,
      timeout: 600_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    stdout = result.stdout;
    const all = JSON.parse(readFileSync(jsonFile, 'utf8')) as Array<Row | SocketRow>;
    rows = all.filter((r): r is Row => r.transport === undefined);
    socketRows = all.filter((r): r is SocketRow => r.transport !== undefined);
    proxyRows = JSON.parse(readFileSync(join(dir, 'bench.proxy.json'), 'utf8')) as ProxyRow[];
    poolRows = JSON.parse(readFileSync(join(dir, 'bench.pool.json'), 'utf8')) as PoolRow[];
  }, 650_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes one JSON object per workload and version, nothing else', () => {
    expect(Array.isArray(rows)).toBe(true);
    const names = rows.map((r) => `${r.workload} ${r.version}`).sort();
    const wanted = EXPECTED.flatMap((e) => VERSIONS.map((v) => `${e.workload} ${v}`)).sort();
    expect(names).toEqual(wanted);
  });

  it('reports positive numbers for ours, the peer, their ratio and the floor where there is one', () => {
    for (const e of EXPECTED) {
      for (const version of VERSIONS) {
        const row = rows.find((r) => r.workload === e.workload && r.version === version);
        expect(row, `${e.workload} ${version}`).toBeDefined();
        const label = `${e.workload} ${version}`;
        expect(row!.unit, label).toBe(e.unit);
        expect(positive(row!.ours), `${label} ours = ${row!.ours}`).toBe(true);
        expect(positive(row!.peer), `${label} peer = ${row!.peer}`).toBe(true);
        expect(positive(row!.ratio), `${label} ratio = ${row!.ratio}`).toBe(true);
        expect(row!.runs, label).toBeGreaterThanOrEqual(1);
        if (e.floor) {
          expect(positive(row!.floor), `${label} floor = ${row!.floor}`).toBe(true);
          expect(positive(row!.ratioToFloor), `${label} ratioToFloor = ${row!.ratioToFloor}`).toBe(true);
        } else {
          expect(row!.floor, label).toBeNull();
          expect(row!.ratioToFloor, label).toBeNull();
        }
        if (e.extra !== undefined) {
          const extra = row!.extras?.find((x) => x.metric === e.extra);
          expect(extra, `${label} ${e.extra}`).toBeDefined();
          expect(positive(extra!.ours) && positive(extra!.peer), `${label} ${e.extra}`).toBe(true);
        }
      }
    }
  });

  it('writes one JSON object per socket workload and transport', () => {
    const names = socketRows.map((r) => `${r.workload} ${r.transport}`).sort();
    const wanted = SOCKET_EXPECTED.flatMap((e) => TRANSPORTS.map((t) => `${e.workload} ${t.name}`)).sort();
    expect(names).toEqual(wanted);
  });

  it('reports a positive rate and server and client CPU time for every stack over sockets, each on its protocol', () => {
    for (const e of SOCKET_EXPECTED) {
      for (const transport of TRANSPORTS) {
        const label = `${e.workload} ${transport.name}`;
        const row = socketRows.find((r) => r.workload === e.workload && r.transport === transport.name);
        expect(row, label).toBeDefined();
        expect(row!.unit, label).toBe(e.unit);
        expect(row!.runs, label).toBeGreaterThanOrEqual(1);
        expect(row!.protocols, label).toEqual(transport.protocols);
        for (const stack of STACKS) expect(positive(row![stack]), `${label} ${stack} = ${row![stack]}`).toBe(true);
        expect(positive(row!.vsSpdy) && positive(row!.vsHttp2), `${label} comparisons`).toBe(true);
        for (const metric of ['server CPU', 'client CPU']) {
          const extra = row!.extras.find((x) => x.metric === `${e.workload} ${metric}`);
          expect(extra, `${label} ${metric}`).toBeDefined();
          expect(extra!.unit, `${label} ${metric}`).toBe(e.costUnit);
          for (const stack of STACKS) expect(positive(extra![stack]), `${label} ${metric} ${stack} = ${extra![stack]}`).toBe(true);
        }
      }
    }
  });

  it('reports the proxy workload: every variant with its rate, latency and the proxies\' CPU per request, and spdyproxy\'s floor', () => {
    const names = proxyRows.map((r) => r.variant);
    const withNghttpx = names.includes('nghttpx');
    expect(names).toEqual(withNghttpx ? [...PROXY_VARIANTS, ...NGHTTPX_VARIANTS] : PROXY_VARIANTS);
    for (const row of proxyRows) {
      expect(row.workload).toBe('P');
      expect(row.runs, row.variant).toBeGreaterThanOrEqual(1);
      expect(positive(row.reqPerS), `${row.variant} rate`).toBe(true);
      // undici's floor is a client on its own: no latency through a proxy to report.
      const latency = row.variant !== 'floor: undici';
      expect(positive(row.p50Ms) && positive(row.p99Ms), `${row.variant} latency`).toBe(latency);
      const isFloor = row.variant.startsWith('floor:');
      const isProxy = !row.variant.startsWith('direct') && !isFloor;
      expect(typeof row.addedP50Ms === 'number', `${row.variant} added latency`).toBe(isProxy);
      // CPU is read in clock ticks from /proc: a quick run of a cheap server (nghttpx, our SPDY server alone) can round to 0.
      const mayRoundToZero = row.variant === 'nghttpx' || row.variant === 'floor: SPDY';
      if (isProxy || isFloor) expect(row.cpuUsPerReq, `${row.variant} CPU`).toBeGreaterThanOrEqual(mayRoundToZero ? 0 : Number.MIN_VALUE);
    }
    expect(stdout).toContain('| spdyproxy |');
    expect(stdout).toContain("spdyproxy's floor (undici alone + our SPDY server alone)");
    if (!withNghttpx) expect(stdout).toContain('nghttpx skipped');
  });

  it('reports the zlib pool workloads: each mode with its rate, latency and CPU per item', () => {
    for (const [workload, modes] of Object.entries(POOL_MODES)) {
      const rows = poolRows.filter((r) => r.workload === workload);
      expect(rows.length, workload).toBeGreaterThan(0);
      expect([...new Set(rows.map((r) => r.mode))].sort(), workload).toEqual([...modes].sort());
      for (const row of rows) {
        const label = `${workload} ${row.concurrency} ${row.mode}`;
        expect(row.runs, label).toBeGreaterThanOrEqual(1);
        expect(positive(row.rate?.median) && positive(row.p50Ms?.median) && positive(row.p99Ms?.median), `${label} rate and latency`).toBe(true);
        expect(positive(row.processCpuUs?.median), `${label} CPU`).toBe(true);
      }
    }
    expect(stdout).toContain('zlib pool workloads');
  });

  it('prints both tables with every workload and the peer patch note', () => {
    for (const e of EXPECTED) expect(stdout).toContain(`| ${e.workload} `);
    for (const e of SOCKET_EXPECTED) expect(stdout).toContain(`| ${e.workload} `);
    expect(stdout).toContain('node:http2');
    expect(stdout).toContain('obuf');
  });
});
