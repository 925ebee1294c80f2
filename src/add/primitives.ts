/**
 * The resources and prompts a server registers, read from its syntax tree, for the scope policy next to its
 * tools: `server.registerResource(name, 'uri' | new ResourceTemplate('template', …), config, read)` and
 * `server.registerPrompt('name', config, handler)`, and the v1 forms `server.resource(name, uri | template, …)`
 * and `server.prompt('name', …, handler)`. Only literal URIs and names count; the rest is reported so the user
 * can map it by hand.
 */
import { isCall, lineOf, memberPropertyName, n, stringValue, walk, type CallExpression, type File } from './ast.js';

export interface RegisteredPrimitive {
  /** The resource's URI or URI template, or the prompt's name. */
  key: string;
  file: string;
  line: number;
  api: 'registerResource' | 'resource' | 'registerPrompt' | 'prompt';
}

export interface PrimitiveScan {
  resources: RegisteredPrimitive[];
  prompts: RegisteredPrimitive[];
  /** Registrations whose URI or name is not a literal. */
  unreadable: Omit<RegisteredPrimitive, 'key'>[];
}

export function findPrimitiveRegistrations(ast: File, file: string): PrimitiveScan {
  const scan: PrimitiveScan = { resources: [], prompts: [], unreadable: [] };
  walk(ast, (node) => {
    const registration = primitiveRegistration(node);
    if (!registration) return;
    const { call, api, kind } = registration;
    const key = kind === 'resource' ? resourceUri(call.arguments[1]) : stringValue(call.arguments[0]);
    const found = { file, line: lineOf(node), api };
    if (key === undefined) scan.unreadable.push(found);
    else scan[kind === 'resource' ? 'resources' : 'prompts'].push({ key, ...found });
  });
  return { ...scan, resources: unique(scan.resources), prompts: unique(scan.prompts) };
}

type Registration = { call: CallExpression; api: RegisteredPrimitive['api']; kind: 'resource' | 'prompt' };

/** The SDK's shapes: a name first and a callback last (`.resource(` and `.prompt(` are common method names). */
export function primitiveRegistration(node: unknown): Registration | undefined {
  if (!isCall(node)) return undefined;
  const method = memberPropertyName(node.callee);
  const args = node.arguments;
  if (args.length < 2 || !isCallback(args[args.length - 1])) return undefined;
  if (method === 'registerResource' && args.length === 4) return { call: node, api: method, kind: 'resource' };
  if (method === 'registerPrompt' && args.length === 3) return { call: node, api: method, kind: 'prompt' };
  if (method === 'resource' && args.length >= 3 && args.length <= 4 && isNameArgument(args[0]))
    return { call: node, api: method, kind: 'resource' };
  if (method === 'prompt' && args.length >= 2 && args.length <= 4 && isNameArgument(args[0]))
    return { call: node, api: method, kind: 'prompt' };
  return undefined;
}

/** `'config://app'`, or the template of `new ResourceTemplate('todo://todos/{id}', …)`. */
function resourceUri(node: unknown): string | undefined {
  const literal = stringValue(node);
  if (literal !== undefined) return literal;
  if (n.NewExpression.check(node) && n.Identifier.check(node.callee) && node.callee.name === 'ResourceTemplate')
    return stringValue(node.arguments[0]);
  return undefined;
}

function isCallback(node: unknown): boolean {
  return n.ArrowFunctionExpression.check(node) || n.FunctionExpression.check(node) || n.Identifier.check(node);
}

function isNameArgument(node: unknown): boolean {
  return stringValue(node) !== undefined || n.Identifier.check(node) || n.TemplateLiteral.check(node);
}

function unique(found: RegisteredPrimitive[]): RegisteredPrimitive[] {
  const seen = new Set<string>();
  return found.filter((item) => (seen.has(item.key) ? false : (seen.add(item.key), true)));
}
