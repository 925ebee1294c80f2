/**
 * Adds missing dependencies (and, for `upgrade`, scripts) to package.json without reformatting it: the file is
 * parsed (as a JavaScript expression, which keeps positions), and each new entry is spliced in at the position
 * the tree gives, in the file's own indentation, alphabetically when the section already is. Versions the
 * project already has — in any section — are never changed.
 */
import { parseExpression } from '@babel/parser';

export interface DependencyToAdd {
  name: string;
  range: string;
  dev: boolean;
}

interface Located {
  start: number;
  end: number;
}
interface PropertyNode extends Located {
  key: { value?: unknown; name?: unknown };
  value: Located & { type: string; properties?: PropertyNode[] };
}
interface ObjectNode extends Located {
  type: string;
  properties: PropertyNode[];
}

/** Where package.json can name a dependency. */
export const DEPENDENCY_SECTIONS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'];

/** The dependencies in `wanted` that the manifest lacks (in every section). */
export function missingDependencies(
  manifest: Record<string, unknown>,
  wanted: readonly DependencyToAdd[],
): DependencyToAdd[] {
  const present = new Set(
    DEPENDENCY_SECTIONS.flatMap((section) =>
      Object.keys((manifest[section] as Record<string, string> | undefined) ?? {}),
    ),
  );
  return wanted.filter((dependency) => !present.has(dependency.name));
}

export function addDependencies(text: string, dependencies: readonly DependencyToAdd[]): string {
  let result = text;
  for (const section of ['dependencies', 'devDependencies'] as const) {
    const entries = dependencies
      .filter((dependency) => dependency.dev === (section === 'devDependencies'))
      .map((dependency) => ({ name: dependency.name, value: dependency.range }));
    if (entries.length > 0) result = addToSection(result, section, entries);
  }
  return result;
}

/** Adds scripts (name → command) the manifest lacks; the caller checks that none is there yet. */
export function addScripts(text: string, scripts: readonly { name: string; command: string }[]): string {
  if (scripts.length === 0) return text;
  return addToSection(
    text,
    'scripts',
    scripts.map((script) => ({ name: script.name, value: script.command })),
  );
}

/** npm's order for the names in a dependency section (`localeCompare` in English, whatever the user's locale). */
function npmOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en');
}

function addToSection(text: string, section: string, unsorted: readonly { name: string; value: string }[]): string {
  const entries = [...unsorted].sort((a, b) => npmOrder(a.name, b.name));
  const root = parseExpression(text) as unknown as ObjectNode;
  if (root.type !== 'ObjectExpression') throw new Error('package.json does not hold a JSON object');
  const unit = indentUnit(text, root);
  const property = root.properties.find((candidate) => keyOf(candidate) === section);
  const line = (name: string, value: string) => `${JSON.stringify(name)}: ${JSON.stringify(value)}`;

  if (!property) {
    const last = root.properties.at(-1);
    const body = entries.map((entry) => `${unit}${unit}${line(entry.name, entry.value)}`).join(',\n');
    const block = `${JSON.stringify(section)}: {\n${body}\n${unit}}`;
    if (!last) return `${text.slice(0, root.start)}{\n${unit}${block}\n}${text.slice(root.end)}`;
    return `${text.slice(0, last.end)},\n${unit}${block}${text.slice(last.end)}`;
  }

  const object = property.value;
  if (object.type !== 'ObjectExpression') throw new Error(`package.json: "${section}" is not an object`);
  const existing = object.properties ?? [];
  const sectionIndent = leadingWhitespace(text, property.start);
  if (existing.length === 0) {
    const body = entries.map((entry) => `${sectionIndent}${unit}${line(entry.name, entry.value)}`).join(',\n');
    return `${text.slice(0, object.start)}{\n${body}\n${sectionIndent}}${text.slice(object.end)}`;
  }

  const entryIndent = leadingWhitespace(text, existing[0]!.start);
  const names = existing.map((candidate) => String(keyOf(candidate)));
  const sorted = names.every((name, index) => index === 0 || npmOrder(names[index - 1]!, name) <= 0);
  // Splice from the end so earlier positions stay valid.
  const insertions = entries
    .map((entry) => {
      const before = sorted
        ? existing.find((candidate) => npmOrder(String(keyOf(candidate)), entry.name) > 0)
        : undefined;
      return before
        ? { at: before.start, text: `${line(entry.name, entry.value)},\n${entryIndent}` }
        : { at: existing.at(-1)!.end, text: `,\n${entryIndent}${line(entry.name, entry.value)}` };
    })
    .map((insertion, order) => ({ ...insertion, order }))
    .sort((a, b) => b.at - a.at || b.order - a.order);
  let result = text;
  for (const insertion of insertions)
    result = `${result.slice(0, insertion.at)}${insertion.text}${result.slice(insertion.at)}`;
  return result;
}

/** Replace one range in place: only the string literal changes, the rest of the file stays byte for byte. */
export function replaceDependencyRange(text: string, section: string, name: string, range: string): string {
  const root = parseExpression(text) as unknown as ObjectNode;
  const entry = root.properties
    .find((property) => keyOf(property) === section)
    ?.value.properties?.find((property) => keyOf(property) === name);
  if (!entry) throw new Error(`package.json: ${section}.${name} not found where JSON.parse saw it`);
  return `${text.slice(0, entry.value.start)}${JSON.stringify(range)}${text.slice(entry.value.end)}`;
}

function keyOf(property: PropertyNode): unknown {
  return property.key.value ?? property.key.name;
}

/** The whitespace before the first non-blank character of the line holding `offset`. */
function leadingWhitespace(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))![0];
}

function indentUnit(text: string, root: ObjectNode): string {
  const first = root.properties[0];
  const indent = first ? leadingWhitespace(text, first.start) : '';
  return indent === '' ? '  ' : indent;
}
