import { describe, expect, it } from 'vitest';
import { foreignWords } from './chineseText.js';

describe('the scan of a Chinese screen', () => {
  it('finds English words, ids, rule keys and district codes', () => {
    expect(foreignWords('燃气 regulator-station-0001 · bridge/420302/bridge-0011 · regulator_station · gas.lel.level2 · domain asset · Major hazard')).toEqual([
      'regulator-station-0001', 'bridge', 'bridge-0011', 'regulator_station', 'gas.lel.level2', 'domain', 'asset', 'Major', 'hazard', '420302',
    ]);
  });

  it('lets units, standards, key hints and numbers through', () => {
    expect(foreignWords('58.5 %LEL · 0.14 MPa · 2.4 kPa · 10 mg/m³ · GB/T 50493-2019 · 确认(A) · 异常报文 1,656 · 12:05 · 110.8°E 32.6°N · NATS · English')).toEqual([]);
  });
});
