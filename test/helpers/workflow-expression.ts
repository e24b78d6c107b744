import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import { truthy } from '@actions/expressions/result';

/**
 * Evaluates a workflow `if:` (without `${{ }}`) the way GitHub does, with
 * GitHub's own expression library, against the given contexts (plain JSON:
 * { github: {...}, inputs: {...} }). Truthiness as GitHub coerces it.
 */
export function evaluateCondition(expression: string, contexts: Record<string, unknown>): boolean {
  const lexed = new Lexer(expression).lex();
  const parsed = new Parser(lexed.tokens, Object.keys(contexts), []).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return truthy(new Evaluator(parsed, context).evaluate());
}
