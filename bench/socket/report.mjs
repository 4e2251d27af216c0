// The socket workloads' rows, table and JSON. One row per workload and
// transport for the rate, and one each for the server's and the client's
// CPU time per unit, with every stack side by side. Comparisons are paired
// per run (the stacks ran back to back) and bigger is always better:
// ours/theirs for rates, theirs/ours for CPU costs.
import { pairedRatio, summarize } from '../stats.mjs';
import { cell, times } from '../report.mjs';
import { STACK_LABELS, STACK_NAMES } from './stacks/index.mjs';

export const TRANSPORTS = [
  { id: 'tls', label: 'TLS' },
  { id: 'tcp', label: 'TCP' },
];

/**
 * The issue's targets, per workload and metric: each `{ against, min }`
 * asks the paired comparison with stack `against` to reach `min`.
 */
export const SOCKET_TARGETS = {
  S1: { value: [{ against: 'spdy', min: 10 }], serverCpu: [{ against: 'http2', min: 1 }] },
  S2: { value: [{ against: 'http2', min: 0.8 }] },
};

const METRICS = [
  { field: 'value', kind: 'rate', label: (w) => w.name, unit: (w) => w.unit },
  { field: 'serverCpu', kind: 'cost', label: () => 'server CPU', unit: (w) => w.costUnit },
  { field: 'clientCpu', kind: 'cost', label: () => 'client CPU', unit: (w) => w.costUnit },
];

export function socketKey(workload, transport) {
  return `${workload}|${transport}`;
}

/** `results`: socketKey -> { ours: [result per run], spdy: [...], http2: [...] }. */
export function buildSocketRows(workloads, results) {
  const rows = [];
  for (const workload of workloads) {
    for (const transport of TRANSPORTS) {
      const r = results.get(socketKey(workload.name, transport.id)) ?? {};
      for (const metric of METRICS) {
        const values = Object.fromEntries(STACK_NAMES.map((s) => [s, (r[s] ?? []).map((m) => m[metric.field]).filter((v) => typeof v === 'number')]));
        const compare = (other) =>
          metric.kind === 'rate' ? pairedRatio(values.ours, values[other]) : pairedRatio(values[other], values.ours);
        rows.push({
          workload: metric.label(workload),
          parent: workload.name,
          transport: transport.label,
          unit: metric.unit(workload),
          kind: metric.kind,
          primary: metric.field === 'value',
          stacks: Object.fromEntries(STACK_NAMES.map((s) => [s, values[s].length ? summarize(values[s]) : null])),
          protocols: Object.fromEntries(STACK_NAMES.map((s) => [s, r[s]?.[0]?.protocol ?? null])),
          vs: { spdy: compare('spdy'), http2: compare('http2') },
          runs: Math.min(...STACK_NAMES.map((s) => values[s].length)),
          targets: SOCKET_TARGETS[workload.name]?.[metric.field] ?? [],
        });
      }
    }
  }
  return rows;
}

function verdict(row) {
  return row.targets
    .map(({ against, min }) => {
      const ok = row.vs[against] !== null && row.vs[against] >= min;
      // A cost target `min` means ours at most 1/min of theirs.
      const what =
        row.kind === 'rate' ? `≥ ${min}× ${STACK_LABELS[against]}` : `≤ ${min === 1 ? '' : `${1 / min}× `}${STACK_LABELS[against]}`;
      return `${what}: ${ok ? 'ok' : 'MISS'}`;
    })
    .join(', ');
}

export function formatSocketTable(rows) {
  const header = ['workload', 'transport', 'unit', ...STACK_NAMES.map((s) => STACK_LABELS[s]), 'vs spdy', 'vs node:http2', 'target'];
  const body = rows.map((r) => [
    r.primary ? r.workload : `  ${r.workload}`,
    r.transport,
    r.unit,
    ...STACK_NAMES.map((s) => cell(r.stacks[s])),
    times(r.vs.spdy),
    times(r.vs.http2),
    verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** JSON objects, one per workload and transport (medians; the CPU rows nested as extras). */
export function socketJson(rows) {
  const out = [];
  for (const r of rows) {
    const medians = Object.fromEntries(STACK_NAMES.map((s) => [s, r.stacks[s]?.median ?? null]));
    if (!r.primary) {
      out[out.length - 1].extras.push({ metric: `${r.parent} ${r.workload}`, unit: r.unit, ...medians, vsSpdy: r.vs.spdy, vsHttp2: r.vs.http2 });
      continue;
    }
    out.push({
      workload: r.workload,
      transport: r.transport,
      unit: r.unit,
      ...medians,
      vsSpdy: r.vs.spdy,
      vsHttp2: r.vs.http2,
      protocols: r.protocols,
      runs: r.runs,
      range: Object.fromEntries(STACK_NAMES.map((s) => [s, r.stacks[s] && [r.stacks[s].min, r.stacks[s].max]])),
      extras: [],
    });
  }
  return out;
}
