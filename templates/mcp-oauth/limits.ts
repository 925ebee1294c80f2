/**
 * Size limits, checked before anything is parsed. Scalekit access tokens are about 1 KB; the header limit
 * is raised above Node's 16 KB default only so that an oversized token gets a proper 401 challenge from the
 * bearer gate instead of a bare 431 from the HTTP parser.
 */
export const MAX_HEADER_BYTES = 128 * 1024;

/** Tokens longer than this are refused without decoding them. */
export const MAX_TOKEN_BYTES = 16 * 1024;

/** MCP request bodies above this are refused (413) before they are parsed. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
