// Builds the browser assets of Signaalroute into ../static/dist/.
//
//   src/app.js   -> ../static/dist/app.js    (IIFE, minified, es2020)
//   src/app.css  -> ../static/dist/app.css   (Utrecht CSS + tokens, bpmn-js, form-js, our own)
//   src/modeler/index.js, modeler.css -> ../static/dist/modeler.js, modeler.css (only on the modeller pages)
//   fonts        -> ../static/dist/assets/[name]-[hash].[ext]
//   axe-core     -> ../static/dist/axe.min.js (injected by the browser tests, never bundled)
//
// Deterministic (content hashes, no timestamps, no source maps) and offline after `npm ci`.
import { copyFileSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const hier = dirname(fileURLToPath(import.meta.url));
const uit = join(hier, '..', 'static', 'dist');
const require = createRequire(import.meta.url);

// Start from an empty output folder, so no stale hashed font file stays behind.
rmSync(uit, { recursive: true, force: true });
mkdirSync(uit, { recursive: true });

const resultaat = await esbuild.build({
  absWorkingDir: hier,
  entryPoints: [
    'src/app.js', 'src/app.css',
    { in: 'src/modeler/index.js', out: 'modeler' }, { in: 'src/modeler/modeler.css', out: 'modeler' },
  ],
  outdir: uit,
  entryNames: '[name]',
  assetNames: 'assets/[name]-[hash]',
  bundle: true,
  format: 'iife',
  platform: 'browser',
  // es2020 for the JavaScript; the browser versions let esbuild lower newer CSS
  // syntax (nesting, media range queries) in the Utrecht and bpmn-io style sheets.
  target: ['es2020', 'chrome100', 'edge100', 'firefox100', 'safari15'],
  minify: true,
  sourcemap: false,
  legalComments: 'eof',
  charset: 'utf8',
  logLevel: 'warning',
  metafile: true,
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: {
    '.woff': 'file',
    '.woff2': 'file',
    '.ttf': 'file',
    '.eot': 'file',
    '.svg': 'file',
  },
});

if (resultaat.errors.length) {
  process.exit(1);
}

copyFileSync(require.resolve('axe-core/axe.min.js'), join(uit, 'axe.min.js'));

const regels = Object.keys(resultaat.metafile.outputs)
  .map((pad) => join(hier, pad))
  .concat(join(uit, 'axe.min.js'))
  .sort()
  .map((pad) => `  ${relative(join(hier, '..'), pad).padEnd(46)} ${(statSync(pad).size / 1024).toFixed(1).padStart(8)} KiB`);
console.log(`Gebouwd in ${relative(process.cwd(), uit) || '.'}:\n${regels.join('\n')}`);
