import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { forAmtoolOnPath, knowsUrlFile, parseAmtoolVersion, withoutUrlFiles } from '../../src/check/amtool-compat.js';
import { hasBinary } from '../../src/check/promtool.js';

const CONFIG = `route:
  receiver: heartbeat
receivers:
  - name: heartbeat
    webhook_configs:
      # the ping URL carries a token
      - url_file: /etc/alertmanager/secrets/heartbeat-ping-url
        send_resolved: false
  - name: both
    webhook_configs:
      - url: https://example.com/hook
        url_file: /etc/alertmanager/secrets/hook
`;

const amtool = await hasBinary('amtool');

describe('amtool older than 0.26 (no webhook url_file)', () => {
  it('reads the version amtool prints, and knows which versions lack url_file', () => {
    expect(parseAmtoolVersion('amtool, version 0.25.0 (branch: debian/sid, revision: 0.25.0-1+b4)')).toEqual([0, 25]);
    expect(parseAmtoolVersion('amtool, version 0.28.1 (branch: HEAD)')).toEqual([0, 28]);
    expect(knowsUrlFile([0, 25])).toBe(false);
    expect(knowsUrlFile([0, 26])).toBe(true);
    expect(knowsUrlFile([1, 0])).toBe(true);
    expect(knowsUrlFile(null)).toBe(true);
  });

  it('gets a stand-in url for each url_file alone, and nothing else changes', () => {
    const out = parseYaml(withoutUrlFiles(CONFIG));
    const before = parseYaml(CONFIG);
    expect(out.receivers[0].webhook_configs[0]).toEqual({ url: 'https://url-file.invalid/', send_resolved: false });
    // Both set is a mistake the real amtool must still see.
    expect(out.receivers[1]).toEqual(before.receivers[1]);
    expect(out.route).toEqual(before.route);
    expect(withoutUrlFiles('receivers: [')).toBe('receivers: [');
  });

  it.skipIf(!amtool)('the amtool on PATH accepts the config once prepared for it, and still refuses a broken one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cds-amtool-compat-'));
    try {
      const file = join(dir, 'am.yml');
      const single = CONFIG.slice(0, CONFIG.indexOf('  - name: both'));
      writeFileSync(file, await forAmtoolOnPath(single));
      expect((await execa('amtool', ['check-config', file], { reject: false, all: true })).exitCode).toBe(0);
      writeFileSync(file, await forAmtoolOnPath(single.replace('receiver: heartbeat', 'receiver: nobody')));
      expect((await execa('amtool', ['check-config', file], { reject: false, all: true })).exitCode).not.toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
