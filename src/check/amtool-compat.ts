import { execa } from 'execa';
import { isMap, isSeq, parseDocument } from 'yaml';

/**
 * Alertmanager reads a webhook's URL from a file (`url_file`) since 0.26
 * (August 2023), and the config we write uses it. Debian 12's amtool is 0.25:
 * it refuses the key, and stops before checking anything else. For such an
 * amtool, the config it checks has a stand-in `url` in its place, so the rest
 * is still checked. (GitHub's Ubuntu 24.04 runners ship amtool 0.26.)
 */
const URL_FILE_SINCE: readonly [number, number] = [0, 26];
const STAND_IN_URL = 'https://url-file.invalid/';

/** The [major, minor] of `amtool --version` output ("amtool, version 0.25.0 (branch: ...)"), or null. */
export function parseAmtoolVersion(output: string): [number, number] | null {
  const m = /version (\d+)\.(\d+)\./.exec(output);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** Whether an amtool of this version knows `url_file` (unknown versions are taken to). */
export function knowsUrlFile(version: [number, number] | null): boolean {
  if (version === null) return true;
  return version[0] > URL_FILE_SINCE[0] || (version[0] === URL_FILE_SINCE[0] && version[1] >= URL_FILE_SINCE[1]);
}

let onPath: Promise<[number, number] | null> | undefined;

/** The version of the amtool on PATH (asked once per process), or null when it does not say. */
function amtoolVersion(): Promise<[number, number] | null> {
  onPath ??= execa('amtool', ['--version'], { reject: false, all: true, timeout: 10_000 }).then((r) => parseAmtoolVersion(r.all ?? ''));
  return onPath;
}

/** An Alertmanager config as the amtool on PATH can check it (see withoutUrlFiles). */
export async function forAmtoolOnPath(content: string): Promise<string> {
  return knowsUrlFile(await amtoolVersion()) ? content : withoutUrlFiles(content);
}

/**
 * `content` for an amtool older than 0.26: each webhook's `url_file` (without
 * a `url` beside it: that mistake stays for amtool to refuse) becomes a
 * stand-in `url`. Content that does not parse is returned as it is.
 */
export function withoutUrlFiles(content: string): string {
  const doc = parseDocument(content);
  if (doc.errors.length > 0) return content;
  const receivers = doc.get('receivers');
  if (!isSeq(receivers)) return content;
  let changed = false;
  for (const receiver of receivers.items) {
    const webhooks = isMap(receiver) ? receiver.get('webhook_configs') : undefined;
    if (!isSeq(webhooks)) continue;
    for (const webhook of webhooks.items) {
      if (!isMap(webhook) || !webhook.has('url_file') || webhook.has('url')) continue;
      webhook.delete('url_file');
      webhook.set('url', STAND_IN_URL);
      changed = true;
    }
  }
  return changed ? doc.toString() : content;
}
