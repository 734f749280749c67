// Translating an editor's own texts in the DOM, for texts a bpmn.io library does not pass through
// `translate` (the form-js editor as a whole, bpmn-io/form-js#77; a few titles in dmn-js). Text
// nodes are changed in place (preact and inferno keep the node and write later changes into it),
// and title / aria-label / placeholder attributes (the editors' own: what the owner writes is text
// and values). Only inside `chrome`; text nodes never inside `niet` (labels, keys, cell contents).
const ATTRIBUTEN = ['title', 'aria-label', 'placeholder'];

/** A function that gives the Dutch of one text from `teksten` and `patronen` ([regex, replacement]). */
export function tekstVertaler(teksten, patronen = []) {
  const vertaal = (tekst) => {
    const kern = tekst.trim();
    if (Object.prototype.hasOwnProperty.call(teksten, kern)) {
      return tekst.replace(kern, teksten[kern]);
    }
    for (const [patroon, vervang] of patronen) {
      if (patroon.test(kern)) {
        return tekst.replace(kern, kern.replace(patroon, (...delen) => vervang(vertaal, ...delen)));
      }
    }
    return tekst;
  };
  return vertaal;
}

function vertaalBoom(wortel, vertaal, chrome, niet) {
  const lopen = document.createTreeWalker(wortel, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
  for (let node = lopen.currentNode; node; node = lopen.nextNode()) {
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    if (!el || !el.closest(chrome)) {
      continue;
    }
    if (node.nodeType === Node.TEXT_NODE) {
      if (!el.closest(niet)) {
        const nieuw = vertaal(node.data);
        if (nieuw !== node.data) {
          node.data = nieuw;
        }
      }
    } else {
      for (const naam of ATTRIBUTEN) {
        const waarde = node.getAttribute(naam);
        const nieuw = waarde && vertaal(waarde);
        if (nieuw && nieuw !== waarde) {
          node.setAttribute(naam, nieuw);
        }
      }
    }
  }
}

/** Translates the texts in `container` that match `chrome` (and not `niet`), now and after every re-render. */
export function domNederlands(container, vertaal, { chrome, niet }) {
  vertaalBoom(container, vertaal, chrome, niet);
  let gepland = false;
  new MutationObserver(() => {
    if (!gepland) {
      gepland = true;
      queueMicrotask(() => {
        gepland = false;
        vertaalBoom(container, vertaal, chrome, niet);
      });
    }
  }).observe(container, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTEN });
}
