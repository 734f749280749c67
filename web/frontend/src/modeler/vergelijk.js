// The comparison page (/processen/<sleutel>/vergelijken?van=&naar=): two read-only diagrams
// side by side, bpmn-js-differ's semantic diff marked on them and listed.
//
// <div class="sr-vergelijk" data-versies-url="/processen/x/versies" data-van="1" data-naar="2">
//   [data-deel=van], [data-deel=naar], [data-deel=lijst], .sr-vergelijk__status
// </div>
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { diff } from 'bpmn-js-differ';

import { maak } from '../hulp.js';
import { vraag } from './server.js';
import spiffworkflow from './spiffworkflow.json';
import { beslistabelVerschillen, elementen, formulierVerschillen, verschillen } from './termen.js';

const SOORTEN = {
  toegevoegd: 'Toegevoegd',
  verwijderd: 'Verwijderd',
  gewijzigd: 'Gewijzigd',
  verplaatst: 'Alleen verplaatst',
};

const TYPEN = {
  'bpmn:UserTask': 'gebruikerstaak', 'bpmn:ManualTask': 'handmatige taak', 'bpmn:Task': 'taak',
  'bpmn:ScriptTask': 'scripttaak', 'bpmn:BusinessRuleTask': 'beslistaak', 'bpmn:ServiceTask': 'servicetaak',
  'bpmn:ExclusiveGateway': 'keuze (gateway)', 'bpmn:ParallelGateway': 'parallelle gateway',
  'bpmn:SequenceFlow': 'pijl', 'bpmn:StartEvent': 'start', 'bpmn:EndEvent': 'einde',
  'bpmn:BoundaryEvent': 'grensgebeurtenis', 'bpmn:IntermediateCatchEvent': 'tussengebeurtenis',
  'bpmn:Lane': 'baan', 'bpmn:Participant': 'deelnemer', 'bpmn:Process': 'proces',
};

function beschrijf(element) {
  const type = TYPEN[element.$type] || element.$type.replace('bpmn:', '');
  return element.name ? `${type} '${element.name}'` : `${type} ${element.id}`;
}

function versieVan(versies, nummer) {
  const versie = versies.find((v) => String(v.versie) === String(nummer));
  if (!versie) {
    throw new Error(`versie ${nummer} bestaat niet`);
  }
  return versie;
}

async function laadBestand(versiesUrl, versie, naam) {
  const { gegevens } = await vraag('GET', `${versiesUrl}/${versie.versie}/bestanden/${naam}`, { tekst: true });
  return gegevens;
}

async function laadVersie(versiesUrl, versies, nummer) {
  const versie = versieVan(versies, nummer);
  return laadBestand(versiesUrl, versie, (versie.bestanden || []).find((b) => b.endsWith('.bpmn')));
}

/** The decision tables and forms that differ between two versions, in the owner's terms. */
async function bijlageVerschillen(versiesUrl, versies, van, naar) {
  const [a, b] = await Promise.all([van, naar].map(async (nummer) => {
    const { gegevens } = await vraag('GET', `${versiesUrl}/${versieVan(versies, nummer).versie}/bijlagen`);
    return gegevens;
  }));
  const zinnen = [];
  for (const naam of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const [x, y] = [a[naam] || '', b[naam] || ''];
    if (x === y) {
      continue;
    }
    if (naam.endsWith('.dmn')) {
      zinnen.push(...beslistabelVerschillen(x, y, naam));
    } else {
      zinnen.push(...formulierVerschillen(x, y, naam.replace(/^formulieren\//, '').replace(/\.form\.json$/, '')));
    }
  }
  return zinnen;
}

/**
 * The changes between two versions as a list: {soort, id, element, details}. Added, removed and
 * moved elements come from bpmn-js-differ; what changed on an element is said in the owner's
 * terms (termen.js), also where bpmn-js-differ saw nothing on the element itself (a task whose
 * escalation timer changed: its deadline).
 */
export function wijzigingen(resultaat, definitiesVan, definitiesNaar) {
  const [indexVan, indexNaar] = [elementen(definitiesVan), elementen(definitiesNaar)];
  const lijst = [];
  for (const [id, element] of Object.entries(resultaat._added)) {
    lijst.push({ soort: 'toegevoegd', id, element, details: [] });
  }
  for (const [id, element] of Object.entries(resultaat._removed)) {
    lijst.push({ soort: 'verwijderd', id, element, details: [] });
  }
  const gewijzigd = new Set();
  for (const id of indexNaar.keys()) {
    const details = verschillen(id, indexVan, indexNaar);
    if (details.length) {
      gewijzigd.add(id);
      lijst.push({ soort: 'gewijzigd', id, element: indexNaar.get(id), details });
    }
  }
  for (const [id, wijziging] of Object.entries(resultaat._changed)) {
    // What bpmn-js-differ saw but the owner does not set (an escalation timer's time is its task's deadline).
    if (!gewijzigd.has(id) && !(indexNaar.get(id) && indexVan.get(id) && isEscalatie(indexNaar.get(id)))) {
      gewijzigd.add(id);
      lijst.push({ soort: 'gewijzigd', id, element: wijziging.model, details: ['technische eigenschappen gewijzigd'] });
    }
  }
  for (const [id, element] of Object.entries(resultaat._layoutChanged)) {
    if (!gewijzigd.has(id) && !resultaat._added[id] && !resultaat._removed[id]) {
      lijst.push({ soort: 'verplaatst', id, element, details: [] });
    }
  }
  return lijst;
}

function isEscalatie(bo) {
  return bo.$type === 'bpmn:BoundaryEvent' && (bo.extensionElements?.values || []).some((v) => v.$type === 'spiffworkflow:Properties'
    && (v.properties || []).some((p) => p.name === 'actie' && p.value === 'escalatie'));
}

function koppel(a, b) {
  let bezig = false;
  const volg = (van, naar) => van.on('canvas.viewbox.changed', ({ viewbox }) => {
    if (bezig) {
      return;
    }
    bezig = true;
    naar.get('canvas').viewbox(viewbox);
    bezig = false;
  });
  volg(a, b);
  volg(b, a);
}

/** Builds the comparison in `el`; sets data-sr-klaar="ja" once both diagrams are marked. */
export async function vergelijkPagina(el) {
  const status = el.querySelector('.sr-vergelijk__status');
  const zeg = (tekst, soort = 'paragraph') => status.replaceChildren(maak('p', { class: `utrecht-${soort}` }, tekst));
  try {
    const { gegevens: versies } = await vraag('GET', el.dataset.versiesUrl);
    const bijlagenOnderweg = bijlageVerschillen(el.dataset.versiesUrl, versies, el.dataset.van, el.dataset.naar);
    bijlagenOnderweg.catch(() => {}); // awaited below; a failure there is reported once
    const [xmlVan, xmlNaar] = await Promise.all([
      laadVersie(el.dataset.versiesUrl, versies, el.dataset.van),
      laadVersie(el.dataset.versiesUrl, versies, el.dataset.naar),
    ]);
    const van = new NavigatedViewer({ container: el.querySelector('[data-deel="van"]'), moddleExtensions: { spiffworkflow } });
    const naar = new NavigatedViewer({ container: el.querySelector('[data-deel="naar"]'), moddleExtensions: { spiffworkflow } });
    await van.importXML(xmlVan);
    await naar.importXML(xmlNaar);
    for (const viewer of [van, naar]) {
      viewer.get('canvas').zoom('fit-viewport');
    }
    koppel(van, naar);

    const lijst = wijzigingen(diff(van.getDefinitions(), naar.getDefinitions()), van.getDefinitions(), naar.getDefinitions());
    const bijlagen = await bijlagenOnderweg;
    const ul = el.querySelector('[data-deel="lijst"]');
    for (const w of lijst) {
      // Removed elements are only in the old diagram; everything else is shown on the new one (and on both when it can).
      const viewers = w.soort === 'verwijderd' ? [van] : w.soort === 'toegevoegd' ? [naar] : [van, naar];
      for (const viewer of viewers) {
        if (viewer.get('elementRegistry').get(w.id)) {
          viewer.get('canvas').addMarker(w.id, `sr-diff-${w.soort}`);
        }
      }
      const doel = viewers[viewers.length - 1];
      const item = maak('li', { class: `utrecht-unordered-list__item sr-vergelijk__wijziging sr-vergelijk__wijziging--${w.soort}`,
        'data-element': w.id, 'data-soort': w.soort });
      const etiket = maak('strong', {}, `${SOORTEN[w.soort]}: `);
      const element = doel.get('elementRegistry').get(w.id);
      if (element) {
        const knop = maak('button', { type: 'button', class: 'sr-modeler__naar utrecht-link' }, beschrijf(w.element));
        knop.addEventListener('click', () => {
          doel.get('selection').select(element);
          doel.get('canvas').scrollToElement(element);
        });
        item.append(etiket, knop);
      } else {
        item.append(etiket, beschrijf(w.element));
      }
      if (w.details.length) {
        item.append(maak('span', { class: 'sr-vergelijk__details' }, ` — ${w.details.join('; ')}`));
      }
      ul.append(item);
    }
    for (const zin of bijlagen) {
      ul.append(maak('li', { class: 'utrecht-unordered-list__item sr-vergelijk__wijziging sr-vergelijk__wijziging--gewijzigd',
        'data-soort': 'bijlage' }, maak('strong', {}, 'Gewijzigd: '), zin));
    }
    const totaal = lijst.length + bijlagen.length;
    zeg(totaal ? `${totaal} ${totaal === 1 ? 'wijziging' : 'wijzigingen'} tussen versie ${el.dataset.van} en versie ${el.dataset.naar}.`
      : `Versie ${el.dataset.van} en versie ${el.dataset.naar} zijn gelijk.`);
    el.dataset.srKlaar = 'ja';
  } catch (fout) {
    el.dataset.srKlaar = 'fout';
    status.replaceChildren(maak('div', { class: 'utrecht-alert utrecht-alert--error sr-melding sr-melding--fout', role: 'alert' },
      maak('p', { class: 'utrecht-paragraph' }, `De versies konden niet worden vergeleken: ${fout.message}`)));
    console.error(fout);
  }
}
