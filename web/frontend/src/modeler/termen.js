// Version differences in the process owner's terms: "Deadline van 'Signaal verrijken': 5 dagen →
// 7 dagen", "Naam: … → …", "Beslistabel Routering, regel 3: uitkomst Route: riec → zorgtraject",
// instead of bpmn-js-differ's attribute paths ("eventDefinitions[0]: …").
//
// Each element of both versions is reduced to the properties the owner sets in the editor
// (kenmerken); changes are the differences between those. A task's deadline is a property of the
// task, wherever the engine keeps it (deadline.js): a changed escalation timer shows up on its task.
import { beschrijfDuur, minderjarigeTermijn } from './duur.js';
import { ontleedVoorwaarde } from './voorwaarde.js';
import { celNaarEigenaar } from './waarden.js';

const TAKEN = ['bpmn:UserTask', 'bpmn:ManualTask'];
const LEEG = '(leeg)';

function lijstVan(waarde) {
  return Array.isArray(waarde) ? waarde : [];
}

function eigenschap(bo, naam) {
  for (const ext of lijstVan(bo.extensionElements && bo.extensionElements.values)) {
    if (ext.$type === 'spiffworkflow:Properties') {
      const p = lijstVan(ext.properties).find((x) => x.name === naam);
      if (p) {
        return p.value || '';
      }
    }
  }
  return '';
}

function zonderAanhalingstekens(tekst) {
  const t = (tekst || '').trim();
  const m = /^(["'])(.*)\1$/.exec(t);
  return m ? m[2] : t;
}

function timer(bo) {
  return lijstVan(bo.eventDefinitions).find((e) => e.$type === 'bpmn:TimerEventDefinition');
}

function timerTijd(definitie) {
  for (const [soort, woord] of [['timeDuration', ''], ['timeDate', 'op '], ['timeCycle', 'herhalend ']]) {
    if (definitie[soort]) {
      const kind = soort === 'timeDuration' && minderjarigeTermijn(definitie[soort].body);
      if (kind) {
        return `${beschrijfDuur(kind.gewoon)}; bij een minderjarige ${beschrijfDuur(kind.minderjarig)}`;
      }
      const iso = zonderAanhalingstekens(definitie[soort].body);
      return soort === 'timeDuration' ? beschrijfDuur(iso) : `${woord}${iso}`;
    }
  }
  return '';
}

/** Every flow element, lane and participant of `definitions`, by id. */
export function elementen(definitions) {
  const index = new Map();
  const loop = (lijst) => {
    for (const el of lijstVan(lijst)) {
      index.set(el.id, el);
      loop(el.flowElements);
      for (const laneSet of lijstVan(el.laneSets)) {
        loop(laneSet.lanes);
      }
      loop(el.participants);
    }
  };
  loop(definitions.rootElements);
  return index;
}

function escalatieVan(taak, index) {
  for (const el of index.values()) {
    if (el.$type === 'bpmn:BoundaryEvent' && el.attachedToRef === taak && timer(el) && eigenschap(el, 'actie') === 'escalatie') {
      return el;
    }
  }
  return undefined;
}

const naamVan = (bo) => (bo && (bo.name || bo.id)) || '';

/** What the owner sets on element `bo`: {label: text}, in the order the editor shows them. */
export function kenmerken(bo, index) {
  const k = { Naam: bo.name || '' };
  const uitleg = lijstVan(bo.documentation)[0];
  k.Toelichting = (uitleg && uitleg.text) || '';
  if (TAKEN.includes(bo.$type)) {
    k.Rol = eigenschap(bo, 'rol');
    k.Formulier = eigenschap(bo, 'formulier');
    const escalatie = escalatieVan(bo, index);
    const body = escalatie ? timer(escalatie).timeDuration && timer(escalatie).timeDuration.body : '';
    const kind = minderjarigeTermijn(body);
    const iso = escalatie ? (kind ? kind.gewoon : zonderAanhalingstekens(body)) : eigenschap(bo, 'deadline');
    k.Deadline = iso ? beschrijfDuur(iso) : '';
    k['Deadline bij een minderjarige'] = kind ? beschrijfDuur(kind.minderjarig) : '';
    k.Escalatie = escalatie ? 'ja' : 'nee';
  }
  if (bo.$type === 'bpmn:StartEvent' && !lijstVan(bo.eventDefinitions).length) {
    k.Formulier = eigenschap(bo, 'formulier');
  }
  const t = timer(bo);
  if (t) {
    const isEscalatie = bo.$type === 'bpmn:BoundaryEvent' && eigenschap(bo, 'actie') === 'escalatie';
    if (isEscalatie) {
      // An escalation's time is its task's deadline (listed there), also where its explanation names it.
      k.Toelichting = k.Toelichting.replace(/Termijn voor deze taak: [^.]*\./, 'Termijn voor deze taak: …');
    } else {
      k.Tijd = timerTijd(t);
      k['Actie als de timer afgaat'] = eigenschap(bo, 'actie');
    }
    if (bo.$type === 'bpmn:BoundaryEvent') {
      k.Onderbrekend = bo.cancelActivity === false ? 'nee' : 'ja';
    }
  }
  if (bo.$type === 'bpmn:SequenceFlow') {
    const body = (bo.conditionExpression && bo.conditionExpression.body) || '';
    const eenvoudig = body && ontleedVoorwaarde(body);
    k.Voorwaarde = eenvoudig ? `${eenvoudig.gegeven} is ${eenvoudig.waarde}` : body;
    k.Van = naamVan(bo.sourceRef);
    k.Naar = naamVan(bo.targetRef);
  }
  if (bo.$type === 'bpmn:ExclusiveGateway' || bo.$type === 'bpmn:InclusiveGateway') {
    k.Standaardpad = naamVan(bo.default);
  }
  if (bo.$type === 'bpmn:BusinessRuleTask') {
    const gevonden = lijstVan(bo.extensionElements && bo.extensionElements.values).find((v) => v.$type === 'spiffworkflow:CalledDecisionId');
    k.Beslissing = (gevonden && (gevonden.value || '').trim()) || '';
  }
  return k;
}

function kort(tekst) {
  const t = (tekst || '').replace(/\s+/g, ' ').trim();
  if (!t) {
    return LEEG;
  }
  return t.length > 80 ? `${t.slice(0, 77)}…` : t;
}

/** The differences of element `id` between two versions, as sentences; [] when the owner would see none. */
export function verschillen(id, indexVan, indexNaar) {
  const van = indexVan.get(id);
  const naar = indexNaar.get(id);
  if (!van || !naar) {
    return [];
  }
  const a = kenmerken(van, indexVan);
  const b = kenmerken(naar, indexNaar);
  const zinnen = [];
  for (const label of Object.keys({ ...a, ...b })) {
    if ((a[label] || '') === (b[label] || '')) {
      continue;
    }
    if (label === 'Toelichting') {
      zinnen.push('Toelichting gewijzigd');
    } else if (label === 'Deadline') {
      zinnen.push(`Deadline van '${naamVan(naar)}': ${a[label] || 'geen'} → ${b[label] || 'geen'}`);
    } else {
      zinnen.push(`${label}: ${kort(a[label])} → ${kort(b[label])}`);
    }
  }
  return zinnen;
}

// --- decision tables -----------------------------------------------------------------------------

function kinderen(el, naam) {
  return [...el.children].filter((c) => c.localName === naam);
}

function tabellen(xml) {
  const doc = new DOMParser().parseFromString(xml || '', 'application/xml');
  const uit = new Map();
  for (const beslissing of doc.getElementsByTagNameNS('*', 'decision')) {
    const tabel = kinderen(beslissing, 'decisionTable')[0];
    if (!tabel) {
      continue;
    }
    const kolommen = [
      ...kinderen(tabel, 'input').map((i) => {
        const expr = kinderen(i, 'inputExpression')[0];
        return { soort: 'inputEntry', naam: i.getAttribute('label') || (expr && expr.textContent.trim()) || i.id,
          type: expr && expr.getAttribute('typeRef') };
      }),
      ...kinderen(tabel, 'output').map((o) => ({ soort: 'outputEntry', naam: o.getAttribute('label') || o.getAttribute('name'),
        type: o.getAttribute('typeRef'), uitkomst: true })),
    ];
    const regels = kinderen(tabel, 'rule').map((regel) => {
      const cellen = [];
      for (const soort of ['inputEntry', 'outputEntry']) {
        for (const entry of kinderen(regel, soort)) {
          const tekst = kinderen(entry, 'text')[0];
          cellen.push(tekst ? tekst.textContent : '');
        }
      }
      return cellen;
    });
    uit.set(beslissing.getAttribute('id'), {
      naam: beslissing.getAttribute('name') || beslissing.getAttribute('id'), beleid: tabel.getAttribute('hitPolicy') || 'UNIQUE',
      kolommen, regels,
    });
  }
  return uit;
}

function cel(kolom, tekst) {
  const t = celNaarEigenaar(tekst, kolom && kolom.type).trim();
  return t || '(leeg)';
}

function regelTekst(t, cellen) {
  return t.kolommen.map((k, i) => `${k.uitkomst ? 'uitkomst ' : ''}${k.naam}: ${cel(k, cellen[i])}`).join(', ');
}

/** The differences between two versions of a DMN file: ["Beslistabel Routering, regel 3: uitkomst Route: a → b", …]. */
export function beslistabelVerschillen(xmlVan, xmlNaar, bestand) {
  const a = tabellen(xmlVan);
  const b = tabellen(xmlNaar);
  const zinnen = [];
  for (const [id, t] of b) {
    const oud = a.get(id);
    if (!oud) {
      zinnen.push(`Beslistabel ${t.naam} toegevoegd (${bestand})`);
      continue;
    }
    const kop = `Beslistabel ${t.naam}`;
    if (oud.beleid !== t.beleid) {
      zinnen.push(`${kop}: welke regel geldt: ${oud.beleid} → ${t.beleid}`);
    }
    const namenOud = oud.kolommen.map((k) => k.naam).join(', ');
    const namenNieuw = t.kolommen.map((k) => k.naam).join(', ');
    if (namenOud !== namenNieuw) {
      zinnen.push(`${kop}: kolommen ${namenOud} → ${namenNieuw}`);
    }
    const aantal = Math.max(oud.regels.length, t.regels.length);
    for (let r = 0; r < aantal; r += 1) {
      const [x, y] = [oud.regels[r], t.regels[r]];
      if (!x) {
        zinnen.push(`${kop}, regel ${r + 1} toegevoegd: ${regelTekst(t, y)}`);
      } else if (!y) {
        zinnen.push(`${kop}, regel ${r + 1} verwijderd: ${regelTekst(oud, x)}`);
      } else if (namenOud === namenNieuw) {
        t.kolommen.forEach((k, i) => {
          if ((x[i] || '').trim() !== (y[i] || '').trim()) {
            zinnen.push(`${kop}, regel ${r + 1}: ${k.uitkomst ? 'uitkomst ' : ''}${k.naam}: ${cel(k, x[i])} → ${cel(k, y[i])}`);
          }
        });
      }
    }
  }
  for (const [id, t] of a) {
    if (!b.has(id)) {
      zinnen.push(`Beslistabel ${t.naam} verwijderd (${bestand})`);
    }
  }
  return zinnen;
}

// --- forms ---------------------------------------------------------------------------------------

function velden(schema, uit = new Map()) {
  for (const c of lijstVan(schema && schema.components)) {
    const sleutel = c.key || c.id;
    if (sleutel && c.type !== 'default') {
      uit.set(sleutel, c);
    }
    velden(c, uit);
  }
  return uit;
}

/** The differences between two versions of a form: ["Formulier x: veld 'Naam' toegevoegd", …]. */
export function formulierVerschillen(jsonVan, jsonNaar, naam) {
  const lees = (json) => {
    try {
      return json ? JSON.parse(json) : null;
    } catch {
      return null;
    }
  };
  const [a, b] = [velden(lees(jsonVan)), velden(lees(jsonNaar))];
  const kop = `Formulier ${naam}`;
  const label = (c) => c.label || c.text || c.key || c.id;
  const zinnen = [];
  if (!jsonVan) {
    return [`${kop} toegevoegd`];
  }
  if (!jsonNaar) {
    return [`${kop} verwijderd`];
  }
  for (const [sleutel, c] of b) {
    const oud = a.get(sleutel);
    if (!oud) {
      zinnen.push(`${kop}: veld '${kort(label(c))}' toegevoegd`);
      continue;
    }
    if (label(oud) !== label(c)) {
      zinnen.push(`${kop}: label ${kort(label(oud))} → ${kort(label(c))}`);
    }
    const verplicht = (x) => (x.validate && x.validate.required ? 'ja' : 'nee');
    if (verplicht(oud) !== verplicht(c)) {
      zinnen.push(`${kop}, veld '${kort(label(c))}': verplicht ${verplicht(oud)} → ${verplicht(c)}`);
    }
    if (!c.components && JSON.stringify(oud) !== JSON.stringify(c) && label(oud) === label(c) && verplicht(oud) === verplicht(c)) {
      zinnen.push(`${kop}, veld '${kort(label(c))}': andere instellingen gewijzigd`);
    }
  }
  for (const [sleutel, c] of a) {
    if (!b.has(sleutel)) {
      zinnen.push(`${kop}: veld '${kort(label(c))}' verwijderd`);
    }
  }
  return zinnen;
}
