// Small helpers shared by the benchmarks: medians and percentiles over raw samples, plain-text tables.
import os from 'node:os';

/** The value below which `fraction` of the samples fall (nearest-rank on the sorted samples). */
export function percentile(samples, fraction) {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank];
}

/** The middle sample; the mean of the two middle ones for an even count. */
export function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Render rows of cells as an aligned plain-text table: the first column left-aligned, the rest right-aligned. */
export function table(header, rows) {
  const all = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row) =>
    row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(all[0]), widths.map((width) => '-'.repeat(width)).join('  '), ...all.slice(1).map(line)].join('\n');
}

export const fixed = (value, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');

/** A PASS/FAIL line for a target, with the numbers that decided it. */
export function verdict(passed, text) {
  return `${passed ? 'PASS' : 'FAIL'}  ${text}`;
}

/** The 1-minute load average, printed next to results: numbers from a busy machine should say so. */
export const loadNow = () => (process.platform === 'win32' ? 'n/a' : os.loadavg()[0].toFixed(2));
