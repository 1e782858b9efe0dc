/**
 * axe-core in a Playwright page or frame: the WCAG 2.x A/AA rules (2.2 included), violations only. The engine is
 * evaluated through the DevTools protocol, so pages with a strict CSP (the tab) need no inline script.
 */
import * as fs from 'node:fs';
import type { Frame, Page } from 'playwright-core';

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** One axe violation, flattened for assertion messages. */
export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: string[];
}

/** Runs axe on `selector` (default: the whole document) and returns every violation. */
export async function axeViolations(target: Page | Frame, selector?: string): Promise<AxeViolation[]> {
  if (!(await target.evaluate('typeof window.axe === "object"'))) await target.evaluate(AXE_SOURCE);
  const context = selector ? JSON.stringify(selector) : 'document';
  const options = JSON.stringify({ runOnly: { type: 'tag', values: WCAG_TAGS }, resultTypes: ['violations'] });
  // Browser-side code as a string: the project compiles without the DOM typings.
  return (await target.evaluate(`axe.run(${context}, ${options}).then((r) => r.violations.map((v) => ({
    id: v.id,
    impact: v.impact || 'unknown',
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' ')),
  })))`)) as AxeViolation[];
}

/** The serious and critical ones: what the issue requires to be zero. */
export function seriousOrCritical(violations: AxeViolation[]): AxeViolation[] {
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable list for an assertion message. */
export function describeViolations(violations: AxeViolation[]): string {
  return violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.join('\n    ')}`).join('\n');
}
