/**
 * Handlebars, configured for source code: templates are compiled without HTML escaping and in strict mode
 * (see template-specs.ts), and run with helpers that encode values for where they land. Templates must
 * print user strings only through these helpers.
 *
 * Only the Handlebars runtime is loaded here; compilation lives in template-specs.ts, which the published
 * bundle replaces with templates precompiled at build time.
 */
import Runtime from 'handlebars/dist/cjs/handlebars.runtime.js';
import { envValue, markdownCode, markdownText, shellWord, tsKey, tsString, yamlString } from './literals.js';
import { templateSpec } from './template-specs.js';

const engine = Runtime.create();
engine.registerHelper('ts', (value: unknown) => tsString(String(value)));
engine.registerHelper('tsKey', (value: unknown) => tsKey(String(value)));
engine.registerHelper('md', (value: unknown) => markdownText(String(value)));
engine.registerHelper('code', (value: unknown) => markdownCode(String(value)));
engine.registerHelper('env', (value: unknown) => envValue(value as string | number | boolean));
engine.registerHelper('yaml', (value: unknown) => yamlString(String(value)));
engine.registerHelper('sh', (value: unknown) => shellWord(String(value)));
engine.registerHelper('eq', (a: unknown, b: unknown) => a === b);

/** Templates ready to run, by template name and source (a custom-tool template renders once per tool). */
const ready = new Map<string, HandlebarsTemplateDelegate>();

export function renderTemplate(source: string, context: object, templateName: string): string {
  try {
    const key = `${templateName}\0${source}`;
    let template = ready.get(key);
    if (template === undefined) {
      template = engine.template(templateSpec(templateName, source));
      ready.set(key, template);
    }
    return template(context);
  } catch (error) {
    throw new Error(
      `Template ${templateName} failed to render: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
