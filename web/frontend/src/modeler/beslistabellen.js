// The "Beslistabellen" tab: dmn-js (decision table editor), one DMN file at a time.
import DmnModeler from 'dmn-js/lib/Modeler';

import { DMN_NL, dmnTitelsNederlands } from './nl/dmn.js';
import { vertaalModule } from './nl/vertaler.js';
import { dmnNaarEigenaar, dmnNaarEngine } from './waarden.js';

/** The decision ids in a DMN document (for the business rule task's select). */
export function beslissingIds(xml) {
  const doc = new DOMParser().parseFromString(xml || '', 'application/xml');
  return [...doc.getElementsByTagNameNS('*', 'decision')].map((d) => d.getAttribute('id')).filter(Boolean);
}

export class Beslistabellen {
  /**
   * @param {HTMLElement} container where dmn-js draws
   * @param {HTMLSelectElement} keuze the file select
   * @param {Record<string, string>} bestanden the draft's files (shared with the editor; updated on flush)
   * @param {() => void} gewijzigd called after each change
   */
  constructor(container, keuze, bestanden, gewijzigd) {
    this.container = container;
    this.keuze = keuze;
    this.bestanden = bestanden;
    this.gewijzigd = gewijzigd;
    this.modeler = null;
    this.huidig = null;
    for (const naam of this.namen()) {
      keuze.append(new Option(naam, naam));
    }
    keuze.addEventListener('change', () => this.open(keuze.value));
  }

  namen() {
    return Object.keys(this.bestanden).filter((n) => n.endsWith('.dmn')).sort();
  }

  /** Builds dmn-js the first time the tab is shown (it needs a visible container to measure). */
  async toon() {
    if (!this.modeler) {
      const nl = { additionalModules: [vertaalModule(DMN_NL)] }; // per view: a view's own modules replace `common`'s
      this.modeler = new DmnModeler({ container: this.container, drd: nl, decisionTable: nl, literalExpression: nl, boxedExpression: nl });
      dmnTitelsNederlands(this.container);
      this.modeler.on('views.changed', () => this.luister());
      const eerste = this.namen()[0];
      if (eerste) {
        await this.open(eerste);
      }
    }
  }

  luister() {
    const viewer = this.modeler.getActiveViewer();
    if (viewer && !viewer.__srLuistert) {
      viewer.__srLuistert = true;
      viewer.get('eventBus').on('commandStack.changed', (event) => {
        if (event.trigger !== 'clear') { // opening a file clears the stack: no change
          this.gewijzigd();
        }
      });
    }
  }

  /** Opens DMN file `naam` (after writing the current one back), on its first decision table. */
  async open(naam, elementId) {
    await this.toon();
    if (naam !== this.huidig) {
      await this.bewaar();
      this.huidig = naam;
      this.keuze.value = naam;
      await this.modeler.importXML(dmnNaarEigenaar(this.bestanden[naam])); // ja/nee and plain text (waarden.js)
    }
    const views = this.modeler.getViews();
    const gezocht = views.find((v) => v.element.id === elementId)
      || views.find((v) => v.type === 'decisionTable' && elementId && JSON.stringify(v.element).includes(elementId))
      || views.find((v) => v.type === 'decisionTable')
      || views[0];
    if (gezocht && gezocht !== this.modeler.getActiveView()) {
      await this.modeler.open(gezocht);
    }
    this.luister();
  }

  /** Writes the open file back into `bestanden`. */
  async bewaar() {
    if (this.modeler && this.huidig) {
      const { xml } = await this.modeler.saveXML({ format: true });
      this.bestanden[this.huidig] = dmnNaarEngine(xml); // back to True/False and "quoted" text
    }
  }

  /** The decision ids of all DMN files (the open one as it is now). */
  beslissingen() {
    const ids = [];
    for (const naam of this.namen()) {
      if (this.modeler && naam === this.huidig && this.modeler.getDefinitions()) {
        ids.push(...(this.modeler.getDefinitions().drgElement || []).filter((e) => e.$type === 'dmn:Decision').map((e) => e.id));
      } else {
        ids.push(...beslissingIds(this.bestanden[naam]));
      }
    }
    return ids;
  }

  commandStack() {
    const viewer = this.modeler && this.modeler.getActiveViewer();
    return viewer ? viewer.get('commandStack') : null;
  }
}
