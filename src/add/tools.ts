/**
 * The tools a server registers, read from its syntax tree: `server.registerTool('name', config, handler)`
 * and the older `server.tool('name', …, handler)`. Only literal names count; a name computed at run time is
 * reported so the user can map it by hand.
 */
import { isCall, lineOf, memberPropertyName, n, stringValue, walk, type CallExpression, type File } from './ast.js';

export interface RegisteredTool {
  name: string;
  file: string;
  line: number;
  api: 'registerTool' | 'tool';
}

export interface UnreadableTool {
  file: string;
  line: number;
  api: 'registerTool' | 'tool';
}

export interface ToolScan {
  tools: RegisteredTool[];
  unreadable: UnreadableTool[];
}

export function findToolRegistrations(ast: File, file: string): ToolScan {
  const tools: RegisteredTool[] = [];
  const unreadable: UnreadableTool[] = [];
  walk(ast, (node) => {
    const call = toolRegistration(node);
    if (!call) return;
    const name = stringValue(call.node.arguments[0]);
    if (name === undefined) unreadable.push({ file, line: lineOf(node), api: call.api });
    else tools.push({ name, file, line: lineOf(node), api: call.api });
  });
  return { tools, unreadable };
}

/** A `registerTool(name, config, handler)` or `tool(name, …, handler)` call on some object. */
export function toolRegistration(node: unknown): { node: CallExpression; api: 'registerTool' | 'tool' } | undefined {
  if (!isCall(node)) return undefined;
  const method = memberPropertyName(node.callee);
  const args = node.arguments;
  if (method === 'registerTool' && args.length === 3) return { node, api: 'registerTool' };
  // `.tool(` is a common method name: require the SDK's shape, a name first and a callback last.
  if (
    method === 'tool' &&
    args.length >= 2 &&
    args.length <= 5 &&
    isCallback(args[args.length - 1]) &&
    isNameArgument(args[0])
  ) {
    return { node, api: 'tool' };
  }
  return undefined;
}

function isCallback(node: unknown): boolean {
  return n.ArrowFunctionExpression.check(node) || n.FunctionExpression.check(node) || n.Identifier.check(node);
}

function isNameArgument(node: unknown): boolean {
  return (
    stringValue(node) !== undefined ||
    n.Identifier.check(node) ||
    n.MemberExpression.check(node) ||
    n.TemplateLiteral.check(node)
  );
}

/** Tools in registration order, each name once (a name registered twice is the SDK's error, not ours). */
export function uniqueTools(tools: readonly RegisteredTool[]): RegisteredTool[] {
  const seen = new Set<string>();
  return tools.filter((tool) => (seen.has(tool.name) ? false : (seen.add(tool.name), true)));
}
