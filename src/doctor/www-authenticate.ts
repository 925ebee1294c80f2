/**
 * A parser for `WWW-Authenticate` (RFC 9110 §11.6.1, parameters as RFC 6750 §3 uses them).
 *
 *   WWW-Authenticate = #challenge
 *   challenge        = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
 *   auth-param       = token BWS "=" BWS ( token / quoted-string )
 *
 * Several challenges may share one header (and `Headers.get` joins repeated headers with ", "), so a comma
 * separates either two parameters or two challenges; a parameter is recognised by the `=` after its name.
 * The parser never throws: anything malformed is recorded in `problems` and parsing carries on, because
 * the point is to tell the user what a strict client would make of the header.
 */

export interface Challenge {
  /** The scheme as sent (compare case-insensitively: `bearer` is valid). */
  scheme: string;
  /** Parameter names are lower-cased (they are case-insensitive); values are unquoted and unescaped. */
  params: Record<string, string>;
  token68?: string;
}

export interface ParsedWwwAuthenticate {
  challenges: Challenge[];
  /** Syntax problems, in words a user can act on. Empty for a well-formed header. */
  problems: string[];
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68_CHAR = /[-._~+/0-9A-Za-z]/;

export function parseWwwAuthenticate(header: string): ParsedWwwAuthenticate {
  const scanner = new Scanner(header);
  const challenges: Challenge[] = [];
  const problems: string[] = [];

  scanner.skipListSeparators();
  while (!scanner.atEnd()) {
    const scheme = scanner.readToken();
    if (!scheme) {
      problems.push(`unexpected character ${JSON.stringify(scanner.peek())} at position ${scanner.position}`);
      scanner.skipToNextComma();
      scanner.skipListSeparators();
      continue;
    }
    const challenge: Challenge = { scheme, params: {} };
    challenges.push(challenge);

    const hadSpace = scanner.skipSpaces() > 0;
    if (scanner.atEnd() || scanner.peek() === ',') {
      scanner.skipListSeparators();
      continue;
    }
    if (!hadSpace) {
      problems.push(`scheme "${scheme}" must be followed by a space`);
    }

    if (!scanner.looksLikeParam()) {
      const token68 = scanner.readToken68();
      if (token68) {
        challenge.token68 = token68;
      } else {
        problems.push(`unexpected character ${JSON.stringify(scanner.peek())} after scheme "${scheme}"`);
        scanner.skipToNextComma();
      }
      scanner.skipListSeparators();
      continue;
    }

    // One or more auth-params; stop when what follows a comma is a new scheme rather than a parameter.
    for (;;) {
      const name = scanner.readToken();
      scanner.skipSpaces();
      scanner.expect('=');
      scanner.skipSpaces();
      const value = readParamValue(scanner, name, problems);
      const key = name.toLowerCase();
      if (key in challenge.params) {
        problems.push(`parameter ${key} appears twice in the ${scheme} challenge (the first value is used)`);
      } else {
        challenge.params[key] = value;
      }
      scanner.skipSpaces();
      if (scanner.atEnd()) break;
      if (scanner.peek() !== ',') {
        problems.push(`expected "," after parameter ${key}, found ${JSON.stringify(scanner.peek())}`);
        scanner.skipToNextComma();
      }
      scanner.skipListSeparators();
      if (scanner.atEnd() || !scanner.looksLikeParam()) break;
    }
  }
  return { challenges, problems };
}

/** The first challenge with the given scheme (case-insensitive), e.g. `findChallenge(parsed, 'Bearer')`. */
export function findChallenge(parsed: ParsedWwwAuthenticate, scheme: string): Challenge | undefined {
  const wanted = scheme.toLowerCase();
  return parsed.challenges.find((challenge) => challenge.scheme.toLowerCase() === wanted);
}

/** Splits a `scope` parameter (space-delimited, RFC 6749 §3.3) into its scope tokens. */
export function splitScopes(scope: string | undefined): string[] {
  return (scope ?? '').split(/\s+/).filter((s) => s.length > 0);
}

function readParamValue(scanner: Scanner, name: string, problems: string[]): string {
  if (scanner.peek() === '"') {
    const { value, terminated } = scanner.readQuotedString();
    if (!terminated) problems.push(`the quoted value of ${name.toLowerCase()} is not terminated`);
    return value;
  }
  const value = scanner.readToken();
  if (!value) problems.push(`parameter ${name.toLowerCase()} has no value`);
  return value;
}

class Scanner {
  position = 0;
  constructor(private readonly input: string) {}

  atEnd(): boolean {
    return this.position >= this.input.length;
  }

  peek(offset = 0): string {
    return this.input[this.position + offset] ?? '';
  }

  skipSpaces(): number {
    const start = this.position;
    while (this.peek() === ' ' || this.peek() === '\t') this.position++;
    return this.position - start;
  }

  /** Skips `OWS , OWS` sequences, including empty list elements (`a, , b` is legal in a #list). */
  skipListSeparators(): void {
    while (this.peek() === ',' || this.peek() === ' ' || this.peek() === '\t') this.position++;
  }

  skipToNextComma(): void {
    while (!this.atEnd() && this.peek() !== ',') {
      if (this.peek() === '"') this.readQuotedString();
      else this.position++;
    }
  }

  readToken(): string {
    const start = this.position;
    while (!this.atEnd() && TCHAR.test(this.peek())) this.position++;
    return this.input.slice(start, this.position);
  }

  /** token68 is letters, digits and `-._~+/`, then optional trailing `=` padding. */
  readToken68(): string {
    const start = this.position;
    while (!this.atEnd() && TOKEN68_CHAR.test(this.peek())) this.position++;
    if (this.position === start) return '';
    while (this.peek() === '=') this.position++;
    return this.input.slice(start, this.position);
  }

  /** True when the input here reads `token BWS "=" BWS <something that is not a comma or the end>`. */
  looksLikeParam(): boolean {
    let probe = this.position;
    while (probe < this.input.length && TCHAR.test(this.input[probe]!)) probe++;
    if (probe === this.position) return false;
    while (this.input[probe] === ' ' || this.input[probe] === '\t') probe++;
    if (this.input[probe] !== '=') return false;
    probe++;
    // `abc==` is token68 padding; `abc=` followed by the end or a comma is too (checked below).
    if (this.input[probe] === '=') return false;
    while (this.input[probe] === ' ' || this.input[probe] === '\t') probe++;
    return probe < this.input.length && this.input[probe] !== ',';
  }

  expect(char: string): void {
    if (this.peek() === char) this.position++;
  }

  /** Reads `"…"` honouring `\` escapes (quoted-pair); reports whether the closing quote was found. */
  readQuotedString(): { value: string; terminated: boolean } {
    this.position++; // opening quote
    let value = '';
    while (!this.atEnd()) {
      const char = this.peek();
      if (char === '\\') {
        value += this.peek(1);
        this.position += 2;
        continue;
      }
      this.position++;
      if (char === '"') return { value, terminated: true };
      value += char;
    }
    return { value, terminated: false };
  }
}
