// Signaalroute — the process owners' modeller (its own bundle: dist/modeler.js, only on
// /processen/<sleutel>/bewerken and /processen/<sleutel>/vergelijken; app.js stays small).
import { editorPagina } from './editor.js';
import { vergelijkPagina } from './vergelijk.js';

function start() {
  for (const el of document.querySelectorAll('.sr-modeler')) {
    editorPagina(el);
  }
  for (const el of document.querySelectorAll('.sr-vergelijk')) {
    vergelijkPagina(el);
  }
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}
