import { describe, expect, it } from 'vitest';
import { githubAnnotation } from '../../src/check/github-annotation.js';

describe('githubAnnotation', () => {
  it('puts the finding on its file and line, titled by its rule', () => {
    expect(githubAnnotation({ path: 'Dockerfile', line: 3, rule: 'dockerfile/non-root-user', message: 'runs as root', severity: 'error' })).toBe(
      '::error file=Dockerfile,line=3,title=dockerfile/non-root-user::runs as root',
    );
    expect(githubAnnotation({ path: '.devops-stack.json', line: null, rule: 'stack/placeholder', message: 'no remote', severity: 'warning' })).toBe(
      '::warning file=.devops-stack.json,title=stack/placeholder::no remote',
    );
  });

  it('escapes what would end the command early or split it over lines', () => {
    const a = githubAnnotation({ path: 'a,b:c.yml', line: 1, rule: 'x', message: '100% sure\nsecond line\r', severity: 'error' });
    expect(a).toBe('::error file=a%2Cb%3Ac.yml,line=1,title=x::100%25 sure%0Asecond line%0D');
    expect(a.split('\n')).toHaveLength(1);
  });
});
