import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });

async function errors(file: string, code: string): Promise<string[]> {
  const [r] = await eslint.lintText(code, { filePath: file });
  return (r?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('the layering lint rule', () => {
  it('refuses Node, DuckDB and NATS transports in shared code', async () => {
    expect(await errors('analytics/common/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toHaveLength(1);
    expect((await errors('analytics/common/x.ts', "import { DuckDBInstance } from '@duckdb/node-api';\nexport const x = DuckDBInstance;\n"))[0]).toMatch(/Bad layering/);
    expect(await errors('analytics/common/x.ts', "import { Engine } from '../node/engine.js';\nexport const x = Engine;\n")).toHaveLength(1);
  });
  it('refuses engine internals and Node in the renderer, and the renderer in the engine', async () => {
    expect(await errors('renderer/src/x.ts', "import { Engine } from '../../analytics/node/engine.js';\nexport const x = Engine;\n")).toHaveLength(1);
    expect(await errors('renderer/src/x.ts', "import { WebSocket } from 'ws';\nexport const x = WebSocket;\n")).toHaveLength(1);
    expect(await errors('analytics/node/x.ts', "import { x as y } from '../../renderer/src/y.js';\nexport const x = y;\n")).toHaveLength(1);
  });
  it('refuses the development harness in product code, and lets tests and the harness use it', async () => {
    const harness = "import { tempDir } from '../../dev/testing/harness.js';\nexport const x = tempDir;\n";
    expect(await errors('analytics/node/x.ts', harness)).toHaveLength(1);
    expect(await errors('analytics/node/x.ts', "import fc from 'fast-check';\nexport const x = fc;\n")).toHaveLength(1);
    expect(await errors('analytics/node/store/x.ts', "import { f } from '../testing/y.js';\nexport const x = f;\n")).toHaveLength(1);
    expect(await errors('analytics/common/x.ts', "import { f } from './alarms/testing/y.js';\nexport const x = f;\n")).toHaveLength(1);
    expect(await errors('electron/lib/x.ts', "import { tempDir } from '../../dev/testing/harness.js';\nexport const x = tempDir;\n")).toHaveLength(1);
    expect(await errors('renderer/src/x.ts', "import { tempDir } from '../../dev/testing/harness.js';\nexport const x = tempDir;\n")).toHaveLength(1);
    expect(await errors('analytics/node/x.test.ts', harness)).toEqual([]);
    expect(await errors('dev/bench/x.ts', "import { startEngine } from '../../analytics/node/engine.js';\nexport const x = startEngine;\n")).toEqual([]);
  });
  it('lets each layer use what it may', async () => {
    expect(await errors('renderer/src/x.ts', "import { QUERY_NAMES } from '../../analytics/common/engineApi.js';\nexport const x = QUERY_NAMES;\n")).toEqual([]);
    expect(await errors('analytics/node/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([]);
  });
});
