// The CommonJS build of Handlebars is the same engine as the package's main entry, without the
// `require.extensions` hook that entry installs (which also trips bundlers).
declare module 'handlebars/dist/cjs/handlebars.js' {
  import Handlebars from 'handlebars';
  export default Handlebars;
}
