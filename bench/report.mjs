// Turns the collected measurements into rows, the printed table (a
// Markdown table, so BENCHMARKS.md can take it as printed) and the JSON array.
import { pairedRatio, summarize } from './stats.mjs';

/**
 * One row per (workload or extra metric, version). `runs` holds each
 * implementation's per-run values in run order, so ratios pair run i of
 * ours with run i of the peer (they ran back to back).
 */
export function buildRows(plan, results, targets) {
  const rows = [];
  for (const workload of plan.workloads) {
    for (const version of plan.versions) {
      const r = results.get(key(workload.name, version.id));
      rows.push(row(workload.name, workload.unit, workload.kind, version, r, 'value', targets[workload.name], true));
      for (const extra of workload.extras ?? []) {
        rows.push(row(extra.label, extra.unit, extra.kind, version, r, extra.key, undefined, false));
      }
    }
  }
  return rows;
}

export function key(workload, version) {
  return `${workload}|${version}`;
}

function row(name, unit, kind, version, r, field, target, primary) {
  const pick = (impl) => (r?.[impl] ?? []).map((m) => m[field]).filter((v) => typeof v === 'number');
  const ours = pick('ours');
  const peer = pick('peer');
  const floor = pick('floor');
  const memory = kind === 'memory';
  return {
    workload: name,
    version: version.label,
    unit,
    kind,
    primary,
    ours: ours.length ? summarize(ours) : null,
    peer: peer.length ? summarize(peer) : null,
    floor: floor.length ? summarize(floor) : null,
    // Bigger is better: ours/peer for rates, peer/ours for sizes.
    ratio: memory ? pairedRatio(peer, ours) : pairedRatio(ours, peer),
    ratioToFloor: floor.length ? (memory ? pairedRatio(floor, ours) : pairedRatio(ours, floor)) : null,
    runs: Math.min(ours.length, peer.length),
    target,
  };
}

// ---- printing ----

export function num(v) {
  if (v === null || v === undefined) return '—';
  const a = Math.abs(v);
  if (a >= 100) return Math.round(v).toLocaleString('en-US');
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function cell(s) {
  if (s === null) return '—';
  if (s.min === s.max) return num(s.median);
  return `${num(s.median)} (${num(s.min)}–${num(s.max)})`;
}

export function times(v) {
  return v === null ? '—' : `${v.toFixed(v >= 10 ? 1 : 2)}×`;
}

function verdict(row) {
  const t = row.target;
  if (t === undefined) return '';
  const parts = [];
  const mark = (ok) => (ok ? 'ok' : 'MISS');
  if (row.kind === 'memory') parts.push(`ours ≤ ${(1 / t.ratio).toFixed(1)}× peer: ${mark(row.ratio !== null && row.ratio >= t.ratio)}`);
  else parts.push(`≥ ${t.ratio}×: ${mark(row.ratio !== null && row.ratio >= t.ratio)}`);
  if (t.floor !== null) parts.push(`≥ ${t.floor} floor: ${mark(row.ratioToFloor !== null && row.ratioToFloor >= t.floor)}`);
  if (t.ours !== undefined) parts.push(`≥ ${t.ours.toLocaleString('en-US')} ${row.unit}: ${mark(row.ours !== null && row.ours.median >= t.ours)}`);
  return parts.join(', ');
}

export function formatTable(rows) {
  const header = ['workload', 'version', 'unit', 'ours', 'peer', 'ratio', 'floor', 'ours/floor', 'target'];
  const body = rows.map((r) => [
    r.primary ? r.workload : `  ${r.workload}`,
    r.version,
    r.unit,
    cell(r.ours),
    cell(r.peer),
    times(r.ratio),
    cell(r.floor),
    r.ratioToFloor === null ? '—' : r.ratioToFloor.toFixed(2),
    verdict(r),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** The JSON array: one object per workload and version, medians (extras nested, not as rows). */
export function toJson(rows) {
  const out = [];
  for (const r of rows) {
    if (!r.primary) {
      const parent = out[out.length - 1];
      (parent.extras ??= []).push({
        metric: r.workload,
        unit: r.unit,
        ours: r.ours?.median ?? null,
        peer: r.peer?.median ?? null,
        ratio: r.ratio,
        floor: r.floor?.median ?? null,
        ratioToFloor: r.ratioToFloor,
      });
      continue;
    }
    out.push({
      workload: r.workload,
      version: r.version,
      unit: r.unit,
      ours: r.ours?.median ?? null,
      peer: r.peer?.median ?? null,
      ratio: r.ratio,
      floor: r.floor?.median ?? null,
      ratioToFloor: r.ratioToFloor,
      runs: r.runs,
      range: {
        ours: r.ours && [r.ours.min, r.ours.max],
        peer: r.peer && [r.peer.min, r.peer.max],
        floor: r.floor && [r.floor.min, r.floor.max],
      },
    });
  }
  return out;
}
