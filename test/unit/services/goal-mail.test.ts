/** The goal progress e-mail's content (services/goals.ts progressMail), daily and weekly. */
import { expect, it } from 'vitest';
import { goalProgress, type GoalRules } from '../../../src/domain/goal.js';
import { progressMail } from '../../../src/services/goals.js';

const H = 3600;
const rules: GoalRules = { seconds: H, delta: 'day', improveByPercent: null, isInverse: false, ignoreDays: [], ignoreZeroDays: false, languages: [], projects: [], editors: [], categories: [], createdAt: 0 };
const now = Date.UTC(2024, 2, 5, 9) / 1000; // Tue 2024-03-05 09:00 UTC
const days: Record<string, number> = { '2024-03-04': 2 * H, '2024-03-05': 600 };
const progress = goalProgress(rules, 'UTC', now, (d) => days[d] ?? 0);

it('daily: the latest decided period and today so far', () => {
  const m = progressMail('ada@example.com', 'Code 1 hr per day', rules, progress, false, 'http://m.test/goals');
  expect(m.subject).toBe('Code 1 hr per day: success yesterday');
  expect(m.text).toContain('Yesterday: coded 2 hrs which is 1 hr more than your daily goal (success).');
  expect(m.text).toContain('Today so far: 10 mins of 1 hr.');
  expect(m.text).toContain('http://m.test/goals');
  expect(m.html).toContain('<a href="http://m.test/goals">');
});

it('weekly: every period, and the HTML escapes the title', () => {
  const m = progressMail('ada@example.com', 'Ship <it> & more', rules, progress, true, 'http://m.test/goals');
  expect(m.subject).toBe('Your week: Ship <it> & more — fail');
  expect(m.text.split('\n').filter((l) => / of 1 hr — /.test(l))).toHaveLength(7);
  expect(m.html).toContain('Ship &lt;it&gt; &amp; more');
  expect(m.html).not.toContain('<it>');
});
