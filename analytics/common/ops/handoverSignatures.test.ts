import { describe, expect, it } from 'vitest';
import type { Signature } from './controlRoomViews.js';
import { samePerson, signatureRefusal } from './handoverSignatures.js';

const SHA = 'a'.repeat(64);
const out: Signature = { shiftStartMs: 0, shiftEndMs: 1000, as: 'outgoing', name: '张三', device: 'console-1', atMs: 500, reportSha256: SHA };
const sign = (over: Partial<Signature>) => ({ shiftStartMs: 0, shiftEndMs: 1000, as: 'incoming' as const, name: '李四', reportSha256: SHA, ...over });

describe('handover signatures', () => {
  it('the incoming leader signs the report the outgoing leader signed', () => {
    expect(signatureRefusal([out], sign({}))).toBeNull();
    expect(signatureRefusal([out], sign({ reportSha256: 'b'.repeat(64) }))?.code).toBe('msg_signed_other_report');
  });

  it('one person cannot sign both sides, however the name is typed', () => {
    expect(signatureRefusal([out], sign({ name: '张三' }))?.code).toBe('msg_same_signer');
    expect(signatureRefusal([out], sign({ name: ' 张 三 ' }))?.code).toBe('msg_same_signer');
    expect(samePerson('Zhang San', 'zhangsan')).toBe(true);
    expect(samePerson('ＡＢ', 'ab')).toBe(true);
  });

  it('each side signs a shift once; another shift is another report', () => {
    expect(signatureRefusal([out], sign({ as: 'outgoing', name: '王五' }))?.code).toBe('msg_signed');
    expect(signatureRefusal([out], sign({ shiftStartMs: 1000, shiftEndMs: 2000, name: '张三' }))).toBeNull();
    expect(signatureRefusal([], sign({ shiftEndMs: 0 }))?.code).toBe('msg_shift_order');
  });
});
