/** Percentile of a sample (nearest rank). */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}

/** Percentile of values that each stand for `weight` observations. */
export function weightedPercentile(pairs: { value: number; weight: number }[], p: number): number {
  const s = [...pairs].sort((a, b) => a.value - b.value);
  const total = s.reduce((n, x) => n + x.weight, 0);
  let seen = 0;
  for (const x of s) {
    seen += x.weight;
    if (seen >= (p / 100) * total) return x.value;
  }
  return NaN;
}

export const round = (x: number, digits = 1): number => Math.round(x * 10 ** digits) / 10 ** digits;
