import { quoteInput } from './quote-input.js';
import { fail, ok, type Result } from './result.js';
import {
  FRAMEWORKS,
  PACKAGE_MANAGERS,
  PLACEHOLDER_RESOURCE_ID,
  REGISTRATIONS,
  type Framework,
  type PackageManager,
  type Registration,
} from '../core/types.js';

const RESOURCE_ID = /^res_[A-Za-z0-9]+$/;

/** A Scalekit resource id as shown in the dashboard (`res_…`); the placeholder is accepted too. */
export function validateResourceId(input: string): Result<string> {
  const text = input.trim();
  if (text === PLACEHOLDER_RESOURCE_ID) return ok(text);
  if (text === '') return fail('is empty; expected a Scalekit resource id like res_1234567890');
  if (!RESOURCE_ID.test(text)) {
    return fail(
      `${quoteInput(text)} is not a Scalekit resource id: expected res_ followed by letters and digits, as shown for the MCP server in the Scalekit dashboard`,
    );
  }
  return ok(text);
}

function validateChoice<T extends string>(choices: readonly T[]) {
  return (input: string): Result<T> => {
    const text = input.trim().toLowerCase();
    const match = choices.find((choice) => choice === text);
    return match ? ok(match) : fail(`${quoteInput(input.trim())} is not one of ${choices.join(', ')}`);
  };
}

export const validateFramework: (input: string) => Result<Framework> = validateChoice(FRAMEWORKS);
export const validateRegistration: (input: string) => Result<Registration> = validateChoice(REGISTRATIONS);
export const validatePackageManager: (input: string) => Result<PackageManager> = validateChoice(PACKAGE_MANAGERS);

/**
 * The package manager that ran us: `npm_config_user_agent` looks like
 * "pnpm/9.12.0 npm/? node/v20.19.0 linux x64". Anything unknown (or unset) means npm.
 */
export function detectPackageManager(userAgent: string | undefined): PackageManager {
  const name = userAgent?.split(' ')[0]?.split('/')[0];
  return name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : 'npm';
}
