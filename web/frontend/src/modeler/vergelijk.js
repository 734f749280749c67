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

function waarde(w) {
  if (w === undefined || w === null || w === '') {
    return '(leeg)';
  }
  if (typeof w === 'object') {
    return w.id || w.body || w.$type || JSON.stringify(w);
  }
  return String(w).replace(/^#ref:/, ''); // bpmn-js-differ writes references as "#ref:<id>"
}

async function laadVersie(versiesUrl, versies, nummer) {
  const versie = versies.find((v) => String(v.versie) === String(nummer));
  if (!versie) {
    throw new Error(`versie ${nummer} bestaat niet`);
  }
  const bpmn = (versie.bestanden || []).find((b) => b.endsWith('.bpmn'));
  const { gegevens } = await vraag('GET', `${versiesUrl}/${versie.versie}/bestanden/${bpmn}`, { tekst: true });
  return gegevens;
}

/** The changes of a bpmn-js-differ result as a list: {soort, id, element, details}. */
export function wijzigingen(resultaat) {
  const lijst = [];
  for (const [id, element] of Object.entries(resultaat._added)) {
    lijst.push({ soort: 'toegevoegd', id, element, details: [] });
  }
  for (const [id, element] of Object.entries(resultaat._removed)) {
    lijst.push({ soort: 'verwijderd', id, element, details: [] });
  }
  for (const [id, wijziging] of Object.entries(resultaat._changed)) {
    // bpmn-js-differ 3 hands jsondiffpatch's [value in a, value in b] to changed(…, newValue, oldValue):
    // its `newValue` holds the value of the first definitions (van), `oldValue` the second's (naar).
    const details = Object.entries(wijziging.attrs || {}).map(([naam, w]) => `${naam}: ${waarde(w.newValue)} → ${waarde(w.oldValue)}`);
    lijst.push({ soort: 'gewijzigd', id, element: wijziging.model, details });
  }
  for (const [id, element] of Object.entries(resultaat._layoutChanged)) {
    if (!resultaat._changed[id]) {
      lijst.push({ soort: 'verplaatst', id, element, details: [] });
    }
  }
  return lijst;
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

    const lijst = wijzigingen(diff(van.getDefinitions(), naar.getDefinitions()));
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
    zeg(lijst.length ? `${lijst.length} ${lijst.length === 1 ? 'wijziging' : 'wijzigingen'} tussen versie ${el.dataset.van} en versie ${el.dataset.naar}.`
      : `Versie ${el.dataset.van} en versie ${el.dataset.naar} hebben hetzelfde diagram.`);
    el.dataset.srKlaar = 'ja';
  } catch (fout) {
    el.dataset.srKlaar = 'fout';
    status.replaceChildren(maak('div', { class: 'utrecht-alert utrecht-alert--error sr-melding sr-melding--fout', role: 'alert' },
      maak('p', { class: 'utrecht-paragraph' }, `De versies konden niet worden vergeleken: ${fout.message}`)));
    console.error(fout);
  }
}
