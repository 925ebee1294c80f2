/** `add` on the Node under test: the Express v2 TypeScript scenario of the integration suite, end to end. */
import { describeAddScenario, EXPRESS_V2_TS } from '../integration/add/scenario.js';

describeAddScenario(EXPRESS_V2_TS);
