/**
 * Compiled templates, as the specs `handlebars/runtime` runs.
 *
 * This is the version used when running from source (tests, `tsx`): it compiles a template when it is
 * first rendered. The published CLI never contains it: scripts/build.mjs swaps this module for one that
 * holds every `.hbs` file under templates/ precompiled at build time with the same options (see
 * `embeddedTemplates()` there), so a scaffold compiles nothing and the bundle carries only the
 * Handlebars runtime. templates/ stays the source of truth: the built module checks that the source it is
 * given is the one it compiled, and refuses (asking for a rebuild) rather than render a stale template.
 */
import Handlebars from 'handlebars/dist/cjs/handlebars.js';
// No HTML escaping (it would corrupt TypeScript and Markdown) and strict mode (a misspelt variable is an
// error, not an empty string). Both are compile-time options: scripts/build.mjs reads the same file.
import COMPILE_OPTIONS from './compile-options.json' with { type: 'json' };

export function templateSpec(_templateName: string, source: string): TemplateSpecification {
  // (A copy: Handlebars adds its built-in helpers to the options object it is given.)
  // precompile() returns the spec as JavaScript source; evaluating it yields exactly what the build embeds.
  const spec = String(Handlebars.precompile(source, structuredClone(COMPILE_OPTIONS)));
  return new Function(`return ${spec};`)() as TemplateSpecification;
}

/** Earlier versions' templates compile like the current ones here; the built CLI loads their specs on demand. */
export async function loadEarlierTemplateSpecs(): Promise<void> {}
