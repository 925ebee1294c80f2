/**
 * The smoke fixture: the Express and Hono projects of the integration fixture, scaffolded and installed with the
 * built CLI on the Node under test. (The Workers project runs on workerd, whichever Node starts wrangler.)
 */
import type { TestProject } from 'vitest/node';
import { scaffoldFixtures } from '../support/global-setup.js';

export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return scaffoldFixtures(project, ['express', 'hono']);
}
