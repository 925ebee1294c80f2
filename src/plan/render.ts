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
import { alignMarkdownTables } from './markdown-table.js';
import { templateSpec } from './template-specs.js';

/**
 * The helpers templates may call. The compiler is told this exact list (compile-options.json, `knownHelpers`
 * with `knownHelpersOnly`), so a call compiles to a direct function call and an unknown helper is a build error.
 */
export const TEMPLATE_HELPERS = {
  ts: (value: unknown) => tsString(String(value)),
  tsKey: (value: unknown) => tsKey(String(value)),
  md: (value: unknown) => markdownText(String(value)),
  code: (value: unknown) => markdownCode(String(value)),
  env: (value: unknown) => envValue(value as string | number | boolean),
  yaml: (value: unknown) => yamlString(String(value)),
  sh: (value: unknown) => shellWord(String(value)),
  eq: (a: unknown, b: unknown) => a === b,
  // A block: `{{#table}}| a | b |…{{/table}}` renders its rows, then pads the columns as Prettier would.
  table: function (this: unknown, options: Handlebars.HelperOptions) {
    return alignMarkdownTables(options.fn(this));
  },
} satisfies Record<string, Handlebars.HelperDelegate>;

const engine = Runtime.create();
for (const [name, helper] of Object.entries(TEMPLATE_HELPERS)) engine.registerHelper(name, helper);

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
