import { existsSync, mkdirSync, readdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMITTED_PATH, recoverInterrupted, Transaction } from '../../src/apply/transaction.js';
import { testdir } from '../helpers/testdir.js';

describe('Transaction', () => {
  it('finishing a committed deletion after a kill removes the folders it emptied, even one whose child was already removed', async () => {
    const root = testdir({ 'keep.txt': 'k\n' });
    mkdirSync(join(root, 'infra/envs/staging'), { recursive: true });
    writeFileSync(join(root, 'infra/envs/staging/main.tf'), 'x\n');
    const tx = new Transaction(root);
    tx.stage({ path: 'infra/envs/staging/main.tf', content: null, mode: 0o644 });
    await tx.commit();
    // Killed inside finish(): the original kept aside is gone and so is its folder, but not the folder above.
    const staging = join(root, 'infra/envs/staging');
    for (const name of readdirSync(staging)) unlinkSync(join(staging, name));
    rmdirSync(staging);
    expect(existsSync(join(root, COMMITTED_PATH))).toBe(true);
    expect(recoverInterrupted(root)).toBe(false);
    expect(existsSync(join(root, 'infra'))).toBe(false);
    expect(existsSync(join(root, COMMITTED_PATH))).toBe(false);
  });
});
