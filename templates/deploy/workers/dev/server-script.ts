/** How `dev:local` (try-local.ts) runs this project's server: `wrangler dev` through dev/start.ts, as `npm start` does. */
export const SERVER_SCRIPT = ['dev/start.ts'];

/** The git-ignored file with the local configuration, read for a local MCP_SERVER_URL. */
export const LOCAL_CONFIG_FILE = '.dev.vars';
