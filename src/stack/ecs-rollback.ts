import type { Answers } from '../answers/options.js';

/**
 * The deployment configuration a rollback after a completed deployment merges
 * into the service's own (its alarms and circuit breaker kept): the last good
 * revision goes through the strategy without its steps and bakes. The bad
 * revision then serves only until the good one's tasks are healthy, instead
 * of while the good one is judged again (a canary would leave it 90% for the
 * canary and final bakes). The next deploy sets the bakes again (its
 * configuration carries them). Used by the deploy script and the runbooks.
 */
export function ecsRollbackConfiguration(strategy: Answers['strategy']): string {
  switch (strategy) {
    case 'rolling':
      return JSON.stringify({});
    case 'blue-green':
      return JSON.stringify({ bakeTimeInMinutes: 0 });
    case 'canary':
      return JSON.stringify({ bakeTimeInMinutes: 0, canaryConfiguration: { canaryPercent: 100, canaryBakeTimeInMinutes: 0 } });
  }
}
