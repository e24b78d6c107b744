import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/apply/manifest.js';

const good = { manifestVersion: 1, tool: 'create-devops-stack', version: '0.1.0', answers: { cloud: 'gcp' }, files: { Dockerfile: { layer: 'docker', blob: 'a'.repeat(40) } } };

describe('manifest (untrusted input)', () => {
  it('accepts a valid manifest, with answers from an older version missing new options', () => {
    expect(parseManifest(good).answers).toEqual({ cloud: 'gcp' });
  });

  it.each([
    ['a path leaving the target', { ...good, files: { '../evil': { layer: 'docker', blob: 'a'.repeat(40) } } }, /unsafe path/],
    ['an absolute path', { ...good, files: { '/etc/passwd': { layer: 'docker', blob: 'a'.repeat(40) } } }, /unsafe path/],
    ['a bad blob id', { ...good, files: { Dockerfile: { layer: 'docker', blob: 'x' } } }, /bad entry/],
    ['an unknown layer', { ...good, files: { Dockerfile: { layer: 'k8s', blob: 'a'.repeat(40) } } }, /bad entry/],
    ['an invalid answer', { ...good, answers: { cloud: 'ibm' } }, /answers.cloud \(--cloud\) 'ibm' is not one of/],
    ['an unknown answer', { ...good, answers: { color: 'red' } }, /answers.color is not an option/],
    ['a newer manifest', { ...good, manifestVersion: 99 }, /newer create-devops-stack/],
  ])('rejects %s with a message that names it', (_name, data, message) => {
    expect(() => parseManifest(data)).toThrow(message);
  });
});
