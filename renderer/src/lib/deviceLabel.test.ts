import { describe, expect, it } from 'vitest';
import { deviceLabel } from './deviceLabel';

describe('who acted, by name', () => {
  const devices = { 'console-1': { role: 'shift_leader', name: '一号值班台' }, 'console-2': { role: 'shift_leader', name: null }, admin: { role: 'admin', name: null } };
  it('says a device by its operators’ name, else by its role, else by its id', () => {
    expect(deviceLabel('zh', devices, 'console-1')).toBe('一号值班台');
    expect(deviceLabel('zh', devices, 'console-2')).toBe('值班长');
    expect(deviceLabel('en', devices, 'admin')).toBe('Administrator');
    expect(deviceLabel('zh', devices, 'elsewhere-9')).toBe('elsewhere-9');
  });
});
