// The CommonJS build of the Handlebars runtime: everything needed to run precompiled templates, without
// the parser and compiler (about a quarter of the full engine). Its own `handlebars/runtime` typings
// declare no exports, so the part we use is typed here.
declare module 'handlebars/dist/cjs/handlebars.runtime.js' {
  import type Handlebars from 'handlebars';
  export type RuntimeEnvironment = Pick<typeof Handlebars, 'registerHelper' | 'template'>;
  const runtime: RuntimeEnvironment & { create(): RuntimeEnvironment };
  export default runtime;
}
