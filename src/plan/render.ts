/**
 * Handlebars, configured for source code: no HTML escaping (it would corrupt TypeScript and Markdown),
 * strict mode (a misspelt variable is an error, not an empty string), and helpers that encode values for
 * where they land. Templates must print user strings only through these helpers.
 */
import Handlebars from 'handlebars/dist/cjs/handlebars.js';
import { envValue, markdownCode, markdownText, shellWord, tsKey, tsString } from './literals.js';

const engine = Handlebars.create();
engine.registerHelper('ts', (value: unknown) => tsString(String(value)));
engine.registerHelper('tsKey', (value: unknown) => tsKey(String(value)));
engine.registerHelper('md', (value: unknown) => markdownText(String(value)));
engine.registerHelper('code', (value: unknown) => markdownCode(String(value)));
engine.registerHelper('env', (value: unknown) => envValue(value as string | number | boolean));
engine.registerHelper('sh', (value: unknown) => shellWord(String(value)));
engine.registerHelper('eq', (a: unknown, b: unknown) => a === b);

export function renderTemplate(source: string, context: object, templateName: string): string {
  try {
    return engine.compile(source, { noEscape: true, strict: true })(context);
  } catch (error) {
    throw new Error(`Template ${templateName} failed to render: ${error instanceof Error ? error.message : String(error)}`);
  }
}
