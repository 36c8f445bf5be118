import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { payloadJsonSchemas } from '../common/feedSchemas.js';

describe('docs/schemas', () => {
  it('are exactly what the validating schemas generate (run `npm run schemas` after changing them)', () => {
    for (const [name, schema] of Object.entries(payloadJsonSchemas())) {
      const file = new URL(`../../docs/schemas/${name}.schema.json`, import.meta.url);
      expect(JSON.parse(readFileSync(file, 'utf8')), name).toEqual(schema);
    }
  });
});
