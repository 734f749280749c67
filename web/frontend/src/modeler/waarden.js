// Decision table cells as a process owner writes them, and as the engine reads them.
//
// The engine evaluates DMN cells as Python (SpiffWorkflow), so the files hold `True`, `False` and
// quoted strings ("riec"). The editor shows:
//   ja/nee column (typeRef boolean): ja, nee           ↔ True, False
//   tekst column (typeRef string):   riec              ↔ "riec"
//   anything else in those columns:  = <expression>    ↔ <expression> (written as it is)
// Other columns (numbers: `> 5`) are shown as they are. Converted on load (dmnNaarEigenaar) and
// back on save (dmnNaarEngine); naarEngine(naarEigenaar(x)) is x again (tests/web/test_modeler__values.py).
// The cell functions have no imports and no DOM: the test runs them in node.

const LETTERLIJK = /^"([^"\\\n]*)"$/;

/** One cell, from the file to the screen. */
export function celNaarEigenaar(tekst, typeRef) {
  const t = (tekst || '').trim();
  if (!t || (typeRef !== 'boolean' && typeRef !== 'string')) {
    return tekst || '';
  }
  if (typeRef === 'boolean') {
    if (t === 'True') {
      return 'ja';
    }
    if (t === 'False') {
      return 'nee';
    }
    return `= ${t}`;
  }
  const m = LETTERLIJK.exec(t);
  // "" and a text starting with "=" stay expressions: as plain text they would read back differently.
  return m && m[1] && !m[1].startsWith('=') && m[1].trim() === m[1] ? m[1] : `= ${t}`;
}

/** One cell, from the screen to the file. */
export function celNaarEngine(tekst, typeRef) {
  const t = (tekst || '').trim();
  if (!t || (typeRef !== 'boolean' && typeRef !== 'string')) {
    return tekst || '';
  }
  if (t.startsWith('=')) {
    return t.slice(1).trim();
  }
  if (typeRef === 'boolean') {
    const w = t.toLowerCase();
    if (w === 'ja' || w === 'true') {
      return 'True';
    }
    if (w === 'nee' || w === 'false') {
      return 'False';
    }
    return t; // not ja/nee: the server's validation names the cell
  }
  return JSON.stringify(t);
}

function kinderen(el, naam) {
  return [...el.children].filter((c) => c.localName === naam);
}

function zetom(xml, cel) {
  if (!xml) {
    return xml;
  }
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) {
    return xml; // leave a broken file to dmn-js's own error
  }
  for (const tabel of doc.getElementsByTagNameNS('*', 'decisionTable')) {
    const invoer = kinderen(tabel, 'input').map((i) => (kinderen(i, 'inputExpression')[0] || i).getAttribute('typeRef'));
    const uitvoer = kinderen(tabel, 'output').map((o) => o.getAttribute('typeRef'));
    for (const regel of kinderen(tabel, 'rule')) {
      for (const [soort, typen] of [['inputEntry', invoer], ['outputEntry', uitvoer]]) {
        kinderen(regel, soort).forEach((entry, i) => {
          const tekst = kinderen(entry, 'text')[0];
          if (tekst) {
            tekst.textContent = cel(tekst.textContent, typen[i]);
          }
        });
      }
    }
  }
  const uit = new XMLSerializer().serializeToString(doc);
  return /^\s*<\?xml/.test(xml) && !/^<\?xml/.test(uit) ? `<?xml version="1.0" encoding="UTF-8"?>\n${uit}` : uit;
}

/** A DMN file as the editor shows it. */
export const dmnNaarEigenaar = (xml) => zetom(xml, celNaarEigenaar);

/** A DMN file as the engine reads it. */
export const dmnNaarEngine = (xml) => zetom(xml, celNaarEngine);
