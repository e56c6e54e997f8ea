// Steps of an e2e suite that record their failure: a failing step marks the
// suite failed (its `after` then prints the stack's log) and saves a
// screenshot named after it through `screenshot(name)`.
import { test } from 'node:test';

export function failureSteps(screenshot, prefix = 'failure') {
  const steps = {
    failed: false,
    step: (name, fn) =>
      test(name, async () => {
        try {
          await fn();
        } catch (error) {
          steps.failed = true;
          await screenshot(`${prefix}-${name.replace(/\W+/g, '-')}`).catch(() => {});
          throw error;
        }
      }),
  };
  return steps;
}
