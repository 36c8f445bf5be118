import type { z } from 'zod';

/**
 * Small vocabularies every layer shares, written once: an asset's key, microseconds for DuckDB,
 * and how a refused document's problems are told.
 */

/** An asset's key across the product: `domain/district/asset` (alarm points, risk register, names). */
export const assetKey = (domain: string, district: string, asset: string): string => `${domain}/${district}/${asset}`;

/** The same key from anything that carries the three fields. */
export const keyOf = (a: { domain: string; district: string; asset: string }): string => assetKey(a.domain, a.district, a.asset);

/** The three parts of an asset key (null when it is not one). */
export function parseAssetKey(key: string): { domain: string; district: string; asset: string } | null {
  const [domain, district, asset, ...rest] = key.split('/');
  return domain && district && asset && rest.length === 0 ? { domain, district, asset } : null;
}

/** Microseconds since the epoch, the form DuckDB's make_timestamptz takes. */
export const micros = (ms: number): bigint => BigInt(Math.round(ms)) * 1000n;

/** A refused document's problems in one line: `path: message; …`. */
export function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}
