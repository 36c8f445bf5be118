import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_FORMAT_VERSION, BundleManifestSchema, MANIFEST_FILE, SUCCESS_FILE, type BundleManifest } from '../../common/bundle.js';
import { MAX_EPOCH_MS } from '../../common/engineApi.js';
import { sha256File } from './bundleWriter.js';
import { BUNDLE_ANALYSIS_DIR } from '../analysis/savedQueries.js';

export type BundleVerdict = { ok: true; manifest: BundleManifest } | { ok: false; problems: string[] };

/** At most this much manifest is read: a bundle's manifest is a few hundred kilobytes. */
const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * Checks a bundle before it is opened: complete (`_SUCCESS` and a manifest of this format), every
 * file the manifest names present with its size and SHA-256, and no data file it does not name (the
 * one folder `analysis/`, where the SQL console keeps the bundle's saved queries, is not the export's).
 * Each problem names its file.
 */
export async function verifyBundle(dir: string): Promise<BundleVerdict> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return { ok: false, problems: [`${dir}: not a folder`] };
  const problems: string[] = [];
  if (!existsSync(join(dir, SUCCESS_FILE))) problems.push(`${SUCCESS_FILE}: missing, the export did not finish`);
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) return { ok: false, problems: [...problems, `${MANIFEST_FILE}: missing, the export did not finish`] };
  const read = readManifest(dir);
  if (!read.ok) return { ok: false, problems: [...problems, ...read.problems] };
  const manifest = read.manifest;
  const named = new Set<string>();
  for (const f of manifest.files) {
    if (named.has(f.path)) {
      problems.push(`${f.path}: named twice in the manifest`);
      continue;
    }
    named.add(f.path);
    const p = join(dir, f.path);
    if (!existsSync(p)) {
      problems.push(`${f.path}: missing`);
      continue;
    }
    // a file is the bundle's own: a symbolic link (matching hash or not) would read a file outside the folder
    const st = lstatSync(p);
    if (!st.isFile()) {
      problems.push(`${f.path}: ${st.isSymbolicLink() ? 'a symbolic link' : 'not a regular file'}, a bundle holds its files itself`);
      continue;
    }
    const bytes = st.size;
    if (bytes !== f.bytes) {
      problems.push(`${f.path}: ${bytes} bytes, the manifest says ${f.bytes}`);
      continue;
    }
    if ((await sha256File(p)) !== f.sha256) problems.push(`${f.path}: SHA-256 differs from the manifest (the file was changed)`);
  }
  for (const n of readdirSync(dir)) {
    if (n === MANIFEST_FILE || n === SUCCESS_FILE || named.has(n)) continue;
    // the SQL console's saved queries of this bundle (analysis/saved-queries.json): the analyst's, not the export's
    if (n === BUNDLE_ANALYSIS_DIR && lstatSync(join(dir, n)).isDirectory()) continue;
    problems.push(`${n}: not in the manifest (an extra file)`);
  }
  return problems.length === 0 ? { ok: true, manifest } : { ok: false, problems };
}

/**
 * Reads a bundle's manifest: at most MAX_MANIFEST_BYTES, JSON, this format version, the format's
 * schema and a window a Date can hold that does not end before it starts. Used by `verifyBundle`
 * and by `cityops open --no-verify` (which skips the files' check, not the format's).
 */
export function readManifest(dir: string): BundleVerdict {
  const manifestPath = join(dir, MANIFEST_FILE);
  if (!existsSync(manifestPath)) return { ok: false, problems: [`${MANIFEST_FILE}: missing`] };
  if (statSync(manifestPath).size > MAX_MANIFEST_BYTES) return { ok: false, problems: [`${MANIFEST_FILE}: larger than ${MAX_MANIFEST_BYTES} bytes, not a manifest`] };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (e) {
    return { ok: false, problems: [`${MANIFEST_FILE}: not JSON (${e instanceof Error ? e.message : String(e)})`] };
  }
  const version = typeof raw === 'object' && raw !== null ? (raw as { formatVersion?: unknown }).formatVersion : undefined;
  if (version !== BUNDLE_FORMAT_VERSION) return { ok: false, problems: [`${MANIFEST_FILE}: bundle format version ${String(version)}, this version reads ${BUNDLE_FORMAT_VERSION}`] };
  const parsed = BundleManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    return { ok: false, problems: [`${MANIFEST_FILE}: does not follow the bundle format (${first})`] };
  }
  const w = parsed.data.window;
  const instant = (ms: number): boolean => Number.isFinite(ms) && Math.abs(ms) <= MAX_EPOCH_MS;
  if (!instant(w.fromMs) || !instant(w.toMs) || w.fromMs > w.toMs) {
    return { ok: false, problems: [`${MANIFEST_FILE}: the window ${String(w.fromMs)}..${String(w.toMs)} is not a span of instants (within ±${MAX_EPOCH_MS} ms, from before to)`] };
  }
  return { ok: true, manifest: parsed.data };
}
