/** One problem a validator found in a generated (or user-edited) file. */
export interface Finding {
  /** Path relative to the target root. */
  path: string;
  /** 1-based line, when the validator knows it. */
  line: number | null;
  /** Short id of the rule or tool, e.g. 'dockerfile/non-root-user', 'actionlint/expression'. */
  rule: string;
  message: string;
  severity: 'error' | 'warning';
}
