import { describe, expect, it } from 'vitest';
import { matchEol } from '../../src/plan/eol.js';

describe('matchEol', () => {
  it('turns a render to CRLF only when every line of the user\'s file ends so', () => {
    expect(matchEol('a\nb\n', 'x\r\ny\r\n')).toBe('a\r\nb\r\n');
    expect(matchEol('a\nb\n', 'x\r\ny\n')).toBe('a\nb\n');
    expect(matchEol('a\nb\n', 'x\ny\n')).toBe('a\nb\n');
    expect(matchEol('a\nb\n', 'no newline')).toBe('a\nb\n');
    // Already CRLF: never doubled.
    expect(matchEol('a\r\nb\r\n', 'x\r\n')).toBe('a\r\nb\r\n');
  });
});
