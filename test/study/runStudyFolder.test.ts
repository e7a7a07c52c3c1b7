import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { runStudyFolder, verifyStudyFolder, checkResultsFolder } from '../../src/index.js';

const study = 'studies/vka-doac-bleeding';
const data = 'data-samples/snds';

describe('study folders', () => {
  it('two runs on the same inputs give byte-identical results; verify passes; nothing small leaves', async () => {
    const a = mkdtempSync(join(tmpdir(), 'study-a-'));
    const b = mkdtempSync(join(tmpdir(), 'study-b-'));
    const ra = await runStudyFolder(study, { data, out: a });
    await runStudyFolder(study, { data, out: b });
    for (const f of ['results.csv', 'settings.csv', 'attrition.csv', 'plots/event-free-survival.svg', 'plots/event-free-survival.png']) {
      expect(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), f).toBe(true);
    }
    const manifest = JSON.parse(readFileSync(join(a, 'manifest.json'), 'utf8'));
    expect(manifest.inputs.map((i: { path: string }) => i.path)).toContain('ER_PRS_F.csv');
    expect(manifest.outputs.find((o: { path: string }) => o.path === 'results.csv').sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(ra.files).toContain('report.html');
    expect(checkResultsFolder(a)).toEqual([]);
    const v = await verifyStudyFolder(study, { data, against: a });
    expect(v.differences).toEqual([]);
    expect(v.estimates).toBeGreaterThan(100);
  }, 120_000);

  it('verify reports an estimate that differs', async () => {
    const a = mkdtempSync(join(tmpdir(), 'study-c-'));
    await runStudyFolder(study, { data, out: a });
    const csv = readFileSync(join(a, 'results.csv'), 'utf8').replace(/(,hr,numeric,)([0-9.]+)/, (_, p, v) => `${p}${Number(v) * 1.01}`);
    writeFileSync(join(a, 'results.csv'), csv);
    const v = await verifyStudyFolder(study, { data, against: a });
    expect(v.differences.length).toBe(1);
    expect(v.differences[0]!.key).toContain('hr');
  }, 120_000);

  it('runs with networking unavailable (a network namespace with no interfaces up)', () => {
    const probe = spawnSync('unshare', ['-n', 'true']);
    // Without the right to make a network namespace, fall back to proving the code opens no socket:
    // the study runs with every outgoing-connection API replaced by one that throws.
    const out = mkdtempSync(join(tmpdir(), 'study-offline-'));
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const cmd = [process.execPath, tsx, 'src/cli/main.ts', 'run', study, '--data', data, '--out', out];
    const r = probe.status === 0 ? spawnSync('unshare', ['-n', ...cmd], { encoding: 'utf8' }) : spawnSync(cmd[0]!, ['--import', './test/helpers/no-network.mjs', ...cmd.slice(1)], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(out, 'results.csv'))).toBe(true);
  }, 120_000);
});
