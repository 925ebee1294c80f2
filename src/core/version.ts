import packageJson from '../../package.json' with { type: 'json' };

/** The running CLI's version: what `--version` prints and what a new project record names. */
export const CLI_VERSION: string = packageJson.version;
