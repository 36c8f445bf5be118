import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../paths.js';
import { SCHEMA_DESCRIPTIONS } from './schemaDescriptions.js';

type Described = Record<string, { description: string; columns: Record<string, string> }>;

/** Markdown inline code and links as plain text. */
const plain = (s: string): string => s.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`([^`]*)`/g, '$1').replace(/\*\*/g, '').trim();

/**
 * The descriptions docs/data-model.md gives: a `###` heading naming tables in backticks (its text
 * after the dash, or else the first sentence below it, describes them), the column tables under it
 * (`| \`column\` | type | meaning |` or `| \`column\` | meaning |`), and the tables of tables
 * (`| \`table\` | meaning |`, `| \`table\` | one row per | notes |`).
 */
function parseDataModel(md: string): Described {
  const out: Described = {};
  const entry = (t: string): Described[string] => (out[t] ??= { description: '', columns: {} });
  let section: string[] = [];
  let sectionHasDescription = false;
  let header: string[] = [];
  let paragraph: string[] = [];
  for (const line of md.split('\n')) {
    if (line.startsWith('## ')) {
      section = [];
      header = [];
      continue;
    }
    if (line.startsWith('### ')) {
      section = [...line.matchAll(/`([a-z0-9_]+)`/g)].map((m) => m[1] as string).filter((t) => t !== '_v');
      const dash = line.split(' — ')[1];
      sectionHasDescription = dash !== undefined;
      paragraph = [];
      for (const t of section) entry(t).description = dash ? plain(dash) : '';
      header = [];
      continue;
    }
    if (line.startsWith('|')) {
      const cells = line.split('|').slice(1, -1).map((c) => c.trim());
      if (cells.every((c) => /^-+$/.test(c))) continue;
      const first = cells[0] ?? '';
      if (!first.startsWith('`')) {
        header = cells;
        continue;
      }
      const name = /^`([a-z0-9_]+)`$/.exec(first)?.[1];
      if (!name) continue;
      if (header[0] === 'table') {
        entry(name).description = plain(cells.slice(1).join(': '));
      } else if (header[0] === 'column' && section.length > 0) {
        const meaning = plain(cells[cells.length - 1] ?? '');
        for (const t of section) entry(t).columns[name] = meaning;
      }
      continue;
    }
    if (section.length > 0 && !sectionHasDescription) {
      if (line.trim() !== '' && !line.startsWith('```')) {
        paragraph.push(line);
        continue;
      }
      if (paragraph.length > 0) {
        // a list of the columns in code is not a description: what follows it is
        const text = paragraph.join(' ').trim();
        const lead = /^`([^`]*)`\.?\s*(?:—\s*)?(.*)$/.exec(text);
        const rest = lead ? (lead[2] ?? '') : text;
        const sentence = rest === '' ? `columns: ${lead?.[1] ?? ''}` : plain(rest).split(/(?<=[.])\s/)[0] ?? '';
        for (const t of section) entry(t).description = sentence;
        sectionHasDescription = true;
        paragraph = [];
      }
    }
  }
  return out;
}

describe('the schema browser descriptions', () => {
  it('are the ones docs/data-model.md gives (UPDATE_SCHEMA_DESCRIPTIONS=1 writes them again)', () => {
    const doc = parseDataModel(readFileSync(join(packageRoot(), 'docs', 'data-model.md'), 'utf8'));
    if (process.env['UPDATE_SCHEMA_DESCRIPTIONS'] === '1') {
      const file = join(packageRoot(), 'analytics', 'node', 'analysis', 'schemaDescriptions.ts');
      writeFileSync(file, `/**
 * What docs/data-model.md says of each table and column, for the SQL console's schema browser (the
 * docs are not packaged with the app). Generated from the doc by schemaDescriptions.test.ts
 * (\`UPDATE_SCHEMA_DESCRIPTIONS=1 npx vitest run analytics/node/analysis/schemaDescriptions.test.ts\`),
 * which fails when the two differ: do not edit by hand.
 */
export const SCHEMA_DESCRIPTIONS: Readonly<Record<string, { description: string; columns: Readonly<Record<string, string>> }>> = ${JSON.stringify(doc, null, 2)};
`);
    }
    expect(SCHEMA_DESCRIPTIONS).toEqual(doc);
    // the doc's main tables are there, with their columns
    expect(doc['readings']?.columns['value']).toBe('always finite');
    expect(doc['quarantine']?.columns['reason']).toContain('feed-contract.md');
    expect(doc['alarm_log']?.description).toContain('alarm transition');
  });
});
