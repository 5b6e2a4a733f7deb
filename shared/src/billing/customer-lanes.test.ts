import { describe, expect, it } from 'vitest';
import { createCustomerLanes } from './customer-lanes.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('customer lanes', () => {
  it('runs one key one task at a time in arrival order, other keys alongside, and forgets idle keys', async () => {
    const lanes = createCustomerLanes();
    const log: string[] = [];
    const task = (name: string) => async () => {
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([lanes.run('cus_a', task('a1')), lanes.run('cus_b', task('b1')), lanes.run('cus_a', task('a2'))]);
    expect(results).toEqual(['a1', 'b1', 'a2']);
    expect(log.indexOf('start a2')).toBeGreaterThan(log.indexOf('end a1'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1')); // not serialised behind cus_a
    await tick();
    expect(lanes.busyKeys).toBe(0);
  });

  it('a failed task rejects its own caller only; the next task of the key still runs', async () => {
    const lanes = createCustomerLanes();
    const failed = lanes.run('cus_a', () => Promise.reject(new Error('boom')));
    const next = lanes.run('cus_a', () => Promise.resolve('ran'));
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
