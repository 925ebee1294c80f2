/**
 * Raise the dependency ranges the generated code now needs in the project's package.json: a range whose lowest
 * version is below what the templates need is replaced by the templates' range; a missing dependency is added
 * (with add's insertion, keeping the file's formatting); a range already as high or higher is never lowered;
 * a range that is not a version range (a tag, a git URL, `workspace:`) is left alone and reported; a dependency the
 * recorded version generated and the project no longer has was removed by its owner, and stays out (like a file).
 * Scripts a newer version introduced (declared in its release notes) are added when the project has no script
 * of that name; a script of yours with that name is never changed.
 */
import minVersion from 'semver/ranges/min-version.js';
import validRange from 'semver/ranges/valid.js';
import lt from 'semver/functions/lt.js';
import {
  addDependencies,
  addScripts,
  DEPENDENCY_SECTIONS,
  missingDependencies,
  replaceDependencyRange,
  type DependencyToAdd,
} from '../add/patch-package-json.js';

export interface RaisedDependency {
  name: string;
  from: string;
  to: string;
}

export interface DependencyUpdate {
  /** The new package.json text (the same text when nothing changes). */
  text: string;
  raised: RaisedDependency[];
  added: DependencyToAdd[];
  /** Ranges that could not be compared (`name@range`), kept as they are. */
  unknown: string[];
  /** Scripts added (new in a version since the project's). */
  scripts: ScriptToAdd[];
  /** Dependencies the recorded version generated that the project no longer has: removed by you, not added back. */
  removedByYou: string[];
}

export interface ScriptToAdd {
  name: string;
  command: string;
}

export function raiseDependencies(
  text: string,
  wanted: readonly DependencyToAdd[],
  newScripts: readonly ScriptToAdd[] = [],
  /** The dependencies the recorded version generated, when known: one of them the project lacks stays out. */
  generatedBefore: readonly DependencyToAdd[] = [],
): DependencyUpdate {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const lacking = new Set(missingDependencies(manifest, generatedBefore).map((dependency) => dependency.name));
  const removedByYou = wanted.filter((dependency) => lacking.has(dependency.name)).map(({ name }) => name);
  const raised: RaisedDependency[] = [];
  const unknown: string[] = [];
  let result = text;
  for (const dependency of wanted) {
    for (const section of DEPENDENCY_SECTIONS) {
      const range = (manifest[section] as Record<string, unknown> | undefined)?.[dependency.name];
      if (typeof range !== 'string') continue;
      const comparison = compareRanges(range, dependency.range);
      if (comparison === 'unknown') unknown.push(`${dependency.name}@${range}`);
      else if (comparison === 'lower') {
        result = replaceDependencyRange(result, section, dependency.name, dependency.range);
        raised.push({ name: dependency.name, from: range, to: dependency.range });
      }
    }
  }
  const added = missingDependencies(manifest, wanted).filter((dependency) => !lacking.has(dependency.name));
  if (added.length > 0) result = addDependencies(result, added);
  const existingScripts = (manifest.scripts ?? {}) as Record<string, unknown>;
  const scripts = newScripts.filter((script) => !Object.hasOwn(existingScripts, script.name));
  result = addScripts(result, scripts);
  return { text: result, raised, added, unknown, scripts, removedByYou };
}

/** Whether `range` lets in versions below the lowest one `wanted` allows. */
export function compareRanges(range: string, wanted: string): 'lower' | 'enough' | 'unknown' {
  if (validRange(range) === null || validRange(wanted) === null) return 'unknown';
  const lowest = minVersion(range);
  const needed = minVersion(wanted);
  if (lowest === null || needed === null) return 'unknown';
  return lt(lowest, needed) ? 'lower' : 'enough';
}
