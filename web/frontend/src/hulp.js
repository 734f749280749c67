// Small DOM and data helpers shared by the islands.

/**
 * Reads a JSON data attribute (`data-<naam>`; pass the dataset name, e.g. 'xmlUrl').
 * Missing or empty gives `standaard`; invalid JSON throws a readable error.
 */
export function leesJson(el, naam, standaard) {
  const tekst = el.dataset[naam];
  if (tekst === undefined || tekst.trim() === '') {
    return standaard;
  }
  try {
    return JSON.parse(tekst);
  } catch (fout) {
    const attribuut = `data-${naam.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new Error(`${attribuut} bevat geen geldige JSON: ${fout.message}`);
  }
}

/** Creates an element: maak('div', {class: 'x', hidden: true}, kind, 'tekst'). */
export function maak(tag, attributen = {}, ...kinderen) {
  const el = document.createElement(tag);
  for (const [naam, waarde] of Object.entries(attributen)) {
    if (waarde === false || waarde === null || waarde === undefined) {
      continue;
    }
    el.setAttribute(naam, waarde === true ? '' : String(waarde));
  }
  el.append(...kinderen);
  return el;
}

/** Resolves after pending (micro-task scheduled) renders, e.g. preact's. */
export function naRender() {
  return new Promise((klaar) => setTimeout(klaar, 0));
}

export function haal(object, pad) {
  let huidig = object;
  for (const stap of pad) {
    if (huidig === null || typeof huidig !== 'object') {
      return undefined;
    }
    huidig = huidig[stap];
  }
  return huidig;
}

export function zet(object, pad, waarde) {
  let huidig = object;
  pad.slice(0, -1).forEach((stap) => {
    if (huidig[stap] === null || typeof huidig[stap] !== 'object') {
      huidig[stap] = {};
    }
    huidig = huidig[stap];
  });
  huidig[pad[pad.length - 1]] = waarde;
  return object;
}

export function kloon(waarde) {
  return waarde === undefined ? undefined : JSON.parse(JSON.stringify(waarde));
}

/** A list of non-empty strings from whatever a data attribute held. */
export function tekstLijst(waarde) {
  return (Array.isArray(waarde) ? waarde : [waarde])
    .filter((x) => x !== null && x !== undefined && String(x).trim() !== '')
    .map(String);
}
