// The editor's checks on screen: the server's errors (red) and bpmnlint's warnings (orange),
// each as a marker on its diagram element and an entry in its list that leads to it.
import { maak } from '../hulp.js';
import { controleer } from './lint.js';

const LINT_PAUZE = 200; // ms after the last change before the model is linted again

export class Controle {
  /**
   * @param {object} opties
   * @param {import('bpmn-js/lib/Modeler').default} opties.modeler
   * @param {(naam: string) => HTMLElement} opties.deel the editor's parts by data-deel
   * @param {() => {bpmnNaam: string, bestanden: Record<string, string>}} opties.concept
   * @param {(id: string) => void} opties.naarElement select and show a diagram element
   * @param {(bestand: string, element?: string) => void} opties.naarBestand open a DMN or form file
   */
  constructor({ modeler, deel, concept, naarElement, naarBestand }) {
    Object.assign(this, { modeler, deel, concept, naarElement, naarBestand });
    this.foutMarkers = [];
    this.lintMarkers = [];
    this.aantalWaarschuwingen = 0;
  }

  /** The diagram element for a BPMN id (a process id: its participant). */
  element(id) {
    if (!id) {
      return null;
    }
    const register = this.modeler.get('elementRegistry');
    return register.get(id)
      || register.find((e) => e.type === 'bpmn:Participant' && e.businessObject.processRef && e.businessObject.processRef.id === id)
      || null;
  }

  knopNaar(element) {
    const knop = maak('button', { type: 'button', class: 'sr-modeler__naar utrecht-link' }, element.businessObject.name || element.id);
    knop.addEventListener('click', () => this.naarElement(element.id));
    return knop;
  }

  wisMarkers(lijst, klasse) {
    const canvas = this.modeler.get('canvas');
    const register = this.modeler.get('elementRegistry');
    for (const id of lijst) {
      if (register.get(id)) { // an element removed since (or undone) has no marker left to remove
        canvas.removeMarker(id, klasse);
      }
    }
    lijst.length = 0;
  }

  /** Shows the server's problems ({bericht, bestand, regel, element}); an empty list clears them. */
  toonProblemen(problemen) {
    const canvas = this.modeler.get('canvas');
    const overlays = this.modeler.get('overlays');
    const { bpmnNaam, bestanden } = this.concept();
    this.wisMarkers(this.foutMarkers, 'sr-fout');
    overlays.remove({ type: 'sr-fout' });
    const lijst = this.deel('fouten');
    lijst.replaceChildren();
    this.deel('fouten-leeg').textContent = 'Geen fouten gevonden.';
    this.deel('fouten-leeg').hidden = problemen.length > 0;
    for (const p of problemen) {
      const inBpmn = !p.bestand || p.bestand === bpmnNaam;
      const element = inBpmn ? this.element(p.element) : null;
      const plaats = [p.bestand, p.regel ? `regel ${p.regel}` : null, p.element].filter(Boolean).join(', ');
      const waar = maak('span', { class: 'sr-modeler__plaats' }, plaats ? ` (${plaats})` : '');
      const item = maak('li', { class: 'utrecht-unordered-list__item sr-modeler__probleem', 'data-element': p.element || '' });
      if (element) {
        canvas.addMarker(element.id, 'sr-fout');
        this.foutMarkers.push(element.id);
        overlays.add(element.id, 'sr-fout', {
          position: { top: -10, right: 10 },
          html: maak('span', { class: 'sr-modeler__overlay', title: p.bericht }, '!'),
        });
        item.append(this.knopNaar(element), `: ${p.bericht}`, waar);
      } else if (p.bestand && !inBpmn && bestanden[p.bestand] !== undefined) {
        const knop = maak('button', { type: 'button', class: 'sr-modeler__naar utrecht-link' }, p.bestand);
        knop.addEventListener('click', () => this.naarBestand(p.bestand, p.element));
        item.append(knop, `: ${p.bericht}`, waar);
      } else {
        item.append(p.bericht, waar);
      }
      lijst.append(item);
    }
  }

  /** Lints again shortly (after a burst of changes, once). */
  lintLater() {
    clearTimeout(this.lintWacht);
    this.lintWacht = setTimeout(() => this.lint().catch((fout) => console.error('bpmnlint', fout)), LINT_PAUZE);
  }

  async lint() {
    const meldingen = await controleer(this.modeler.getDefinitions());
    const canvas = this.modeler.get('canvas');
    this.wisMarkers(this.lintMarkers, 'sr-waarschuwing');
    const lijst = this.deel('waarschuwingen');
    lijst.replaceChildren();
    this.deel('waarschuwingen-leeg').hidden = meldingen.length > 0;
    this.aantalWaarschuwingen = meldingen.length;
    for (const m of meldingen) {
      const element = this.element(m.element);
      const item = maak('li', { class: 'utrecht-unordered-list__item sr-modeler__waarschuwing', 'data-element': m.element, 'data-regel': m.regel });
      if (element) {
        canvas.addMarker(element.id, 'sr-waarschuwing');
        this.lintMarkers.push(element.id);
        item.append(this.knopNaar(element), `: ${m.bericht}`);
      } else {
        item.append(`${m.element}: ${m.bericht}`);
      }
      lijst.append(item);
    }
  }
}
