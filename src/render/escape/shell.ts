/** A POSIX shell word: bare when safe, else single-quoted ('\'' for quotes inside). */
export function shellWord(value: string | number): string {
  const s = String(value);
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
