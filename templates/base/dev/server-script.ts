/** How `dev:local` (try-local.ts) runs this project's server: what `npm run dev` runs, through tsx. */
export const SERVER_SCRIPT = ['watch', '--clear-screen=false', 'src/index.ts'];

/** The git-ignored file with the local configuration, read for a local MCP_SERVER_URL. */
export const LOCAL_CONFIG_FILE = '.env';
