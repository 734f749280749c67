// The editor page (/processen/<sleutel>/bewerken): diagram, decision tables and forms of
// the draft, saved, validated and deployed through the process library's JSON endpoints.
//
// <div class="sr-modeler" data-concept-url data-versies-url data-vergelijk-url data-migratie-url
//      data-rollen='[{"sleutel","naam"}]' data-csrf> … the skeleton of modeler/bewerken.html … </div>
import BpmnModeler from 'bpmn-js/lib/Modeler';
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from 'bpmn-js-properties-panel';

import { leesJson, maak } from '../hulp.js';
import { Beslistabellen } from './beslistabellen.js';
import { Controle } from './controle.js';
import { SignaalrouteEigenschappenModule } from './eigenschappen.js';
import { Formulieren } from './formulieren.js';
import { BPMN_NL } from './nl/bpmn.js';
import { vertaalModule } from './nl/vertaler.js';
import { metLayout } from './opmaak.js';
import { Proberen } from './proberen.js';
import { ServerFout, vraag } from './server.js';
import spiffworkflow from './spiffworkflow.json';

const INVOER_PAUZE = 400; // ms: longer than the 300 ms the bpmn.io editors wait before they take typed input

function tijd(iso) {
  if (!iso) {
    return '';
  }
  return new Date(iso).toLocaleTimeString('nl-NL', { hour: '2-digit', minute: '2-digit', timeZone: 'Europe/Amsterdam' });
}

class Editor {
  constructor(el) {
    this.el = el;
    this.deel = (naam) => el.querySelector(`[data-deel="${naam}"]`);
    this.csrf = el.dataset.csrf;
    this.urls = {
      concept: el.dataset.conceptUrl,
      versies: el.dataset.versiesUrl,
      vergelijk: el.dataset.vergelijkUrl,
      migratie: el.dataset.migratieUrl,
    };
    this.rollen = leesJson(el, 'rollen', []);
    this.bestanden = {};
    this.vuil = false;
    this.tab = 'diagram';
    this.statusVak = el.querySelector('.sr-modeler__status');
    this.foutVak = el.querySelector('.sr-modeler__fout');
    this.laatsteInvoer = 0;
    el.addEventListener('input', () => {
      this.laatsteInvoer = Date.now();
    }, true);
  }

  // --- messages ---------------------------------------------------------------------------------
  status(...inhoud) {
    this.statusVak.replaceChildren(maak('p', { class: 'utrecht-paragraph' }, ...inhoud));
    this.foutVak.replaceChildren();
  }

  fout(bericht) {
    this.foutVak.replaceChildren(maak('div', { class: 'utrecht-alert utrecht-alert--error sr-melding sr-melding--fout' },
      maak('p', { class: 'utrecht-paragraph' }, bericht)));
  }

  markeerGewijzigd() {
    if (!this.laden) {
      this.vuil = true;
    }
  }

  // --- start ------------------------------------------------------------------------------------
  async start() {
    const { gegevens } = await vraag('GET', this.urls.concept);
    this.concept = gegevens;
    this.gezien = gegevens.concept ? gegevens.bijgewerkt_op : null; // the draft we work on (null: none yet)
    Object.assign(this.bestanden, gegevens.bestanden);
    const meta = JSON.parse(this.bestanden['proces.json'] || '{}');
    this.bpmnNaam = meta.bpmn || Object.keys(this.bestanden).find((n) => n.endsWith('.bpmn'));

    this.beslistabellen = new Beslistabellen(this.deel('dmn'), this.deel('dmn-keuze'), this.bestanden, () => this.markeerGewijzigd());
    this.formulieren = new Formulieren(
      { editor: this.deel('formeditor'), voorbeeld: this.deel('voorbeeld'), keuze: this.deel('formulier-keuze') },
      this.bestanden, () => this.markeerGewijzigd());

    const dienst = {
      rollen: this.rollen,
      formulieren: () => this.formulieren.ids(),
      beslissingen: () => this.beslistabellen.beslissingen(),
    };
    this.modeler = new BpmnModeler({
      container: this.deel('canvas'),
      propertiesPanel: { parent: this.deel('eigenschappen') },
      additionalModules: [
        BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, SignaalrouteEigenschappenModule,
        { signaalroute: ['value', dienst] }, vertaalModule(BPMN_NL),
      ],
      moddleExtensions: { spiffworkflow },
    });
    this.controle = new Controle({
      modeler: this.modeler,
      deel: this.deel,
      concept: () => ({ bpmnNaam: this.bpmnNaam, bestanden: this.bestanden }),
      naarElement: (id) => this.toonElement(id),
      naarBestand: (bestand, element) => this.toonBestand(bestand, element),
    });
    this.proberen = new Proberen(this, this.deel('proberen'));
    this.modeler.on('commandStack.changed', () => {
      this.markeerGewijzigd();
      this.controle.lintLater();
    });

    this.laden = true;
    const { xml, opgemaakt } = await metLayout(this.bestanden[this.bpmnNaam]);
    await this.modeler.importXML(xml);
    this.modeler.get('canvas').zoom('fit-viewport');
    this.laden = false;
    if (opgemaakt) {
      this.vuil = true;
    }

    this.knoppen();
    this.tabs();
    window.addEventListener('beforeunload', (event) => {
      if (this.vuil) {
        event.preventDefault();
        event.returnValue = '';
      }
    });
    await this.controle.lint();
    const basis = gegevens.basis_versie ? ` op basis van versie ${gegevens.basis_versie}` : '';
    if (gegevens.concept) {
      const door = gegevens.bijgewerkt_door ? ` door ${gegevens.bijgewerkt_door}` : '';
      this.status(`Concept${basis} geladen (laatst opgeslagen${door} om ${tijd(gegevens.bijgewerkt_op)}).`);
    } else {
      this.status(`Nieuw concept${basis}. Wijzig het diagram, de beslistabellen of de formulieren en kies Concept opslaan.`);
    }
    if (opgemaakt) {
      this.status('Het diagram had geen (volledige) opmaak, bijvoorbeeld uit een ander programma, en is automatisch opgemaakt. Controleer het en sla het concept op.');
    }
  }

  // --- tabs -------------------------------------------------------------------------------------
  tabs() {
    const tabs = [...this.el.querySelectorAll('[role="tab"]')];
    tabs.forEach((tab, index) => {
      tab.addEventListener('click', () => this.kiesTab(tab.id.replace('tab-', '')));
      tab.addEventListener('keydown', (event) => {
        const stap = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (stap) {
          const volgende = tabs[(index + stap + tabs.length) % tabs.length];
          volgende.focus();
          this.kiesTab(volgende.id.replace('tab-', ''));
        }
      });
    });
  }

  async kiesTab(naam) {
    await this.invoerVerwerkt();
    if (this.tab === 'beslistabellen' && naam !== 'beslistabellen') {
      await this.beslistabellen.bewaar();
    }
    if (this.tab === 'formulieren' && naam !== 'formulieren') {
      this.formulieren.bewaar();
    }
    this.tab = naam;
    for (const tab of this.el.querySelectorAll('[role="tab"]')) {
      const gekozen = tab.id === `tab-${naam}`;
      tab.setAttribute('aria-selected', gekozen ? 'true' : 'false');
      tab.tabIndex = gekozen ? 0 : -1;
      this.el.querySelector(`#${tab.getAttribute('aria-controls')}`).hidden = !gekozen;
    }
    if (naam === 'beslistabellen') {
      await this.beslistabellen.toon();
    } else if (naam === 'formulieren') {
      await this.formulieren.toon();
    } else if (naam === 'proberen') {
      await this.proberen.toon();
    } else {
      this.modeler.get('canvas').resized();
      this.modeler.get('eventBus').fire('propertiesPanel.providersChanged'); // the form and decision lists may have changed
    }
  }

  // --- buttons ----------------------------------------------------------------------------------
  knoppen() {
    const acties = {
      opslaan: () => this.opslaan(),
      valideren: () => this.valideren(),
      deployen: () => this.vraagOpmerking(),
      verwijderen: () => this.verwijderen(),
      ongedaan: () => this.commandStack()?.undo(),
      opnieuw: () => this.commandStack()?.redo(),
    };
    for (const knop of this.el.querySelectorAll('.sr-modeler__knoppen [data-actie]')) {
      knop.addEventListener('click', async () => {
        knop.disabled = true;
        try {
          await acties[knop.dataset.actie]();
        } catch (fout) {
          this.fout(fout instanceof ServerFout ? fout.message : `Er ging iets mis: ${fout.message}`);
          console.error(fout);
        } finally {
          knop.disabled = false;
        }
      });
    }
    this.deel('nieuw-formulier').addEventListener('submit', async (event) => {
      event.preventDefault();
      const veld = event.target.elements.id;
      const probleem = await this.formulieren.nieuw(veld.value.trim());
      if (probleem) {
        this.fout(probleem);
        veld.setAttribute('aria-invalid', 'true');
      } else {
        veld.removeAttribute('aria-invalid');
        this.status(`Formulier '${veld.value.trim()}' toegevoegd. Het wordt bewaard als u het concept opslaat.`);
        veld.value = '';
      }
    });
    const dialoog = this.deel('deploy-dialoog');
    dialoog.querySelector('[data-actie="annuleren"]').addEventListener('click', () => dialoog.close());
    this.deel('deploy-formulier').addEventListener('submit', (event) => {
      event.preventDefault();
      this.deployen(event.target.elements.opmerking.value.trim()).catch((fout) => {
        dialoog.close();
        this.fout(fout instanceof ServerFout ? fout.message : `Er ging iets mis: ${fout.message}`);
      });
    });
  }

  commandStack() {
    if (this.tab === 'beslistabellen') {
      return this.beslistabellen.commandStack();
    }
    if (this.tab === 'formulieren') {
      return this.formulieren.commandStack();
    }
    return this.modeler.get('commandStack');
  }

  /**
   * Waits until typed input has reached the models: the properties panels and dmn-js's cells
   * pass what is typed on after a pause (debounced, 300 ms).
   */
  async invoerVerwerkt() {
    const wacht = this.laatsteInvoer + INVOER_PAUZE - Date.now();
    if (wacht > 0) {
      await new Promise((klaar) => setTimeout(klaar, wacht));
    }
  }

  /** The complete file set as it is on screen. */
  async verzamel() {
    await this.invoerVerwerkt();
    await this.beslistabellen.bewaar();
    this.formulieren.bewaar();
    const { xml } = await this.modeler.saveXML({ format: true });
    this.bestanden[this.bpmnNaam] = xml;
    return { ...this.bestanden };
  }

  async opslaan({ stil = false } = {}) {
    const bestanden = await this.verzamel();
    // With the draft we loaded: if someone saved it since, the server answers 409 and writes nothing.
    const { gegevens } = await vraag('PUT', this.urls.concept, {
      csrf: this.csrf, body: { bestanden, bijgewerkt_op: this.gezien },
    });
    this.gezien = gegevens.bijgewerkt_op;
    this.vuil = false;
    if (!stil) {
      this.status(`Concept opgeslagen om ${tijd(gegevens && gegevens.bijgewerkt_op) || tijd(new Date().toISOString())}.`);
    }
    return gegevens;
  }

  async valideren() {
    await this.opslaan({ stil: true });
    const { gegevens } = await vraag('POST', `${this.urls.concept}/valideer`, { csrf: this.csrf });
    this.controle.toonProblemen(gegevens.problemen || []);
    if (gegevens.geldig) {
      this.status('Het concept is geldig: u kunt het publiceren.');
    } else {
      this.status(`Het concept heeft ${gegevens.problemen.length} ${gegevens.problemen.length === 1 ? 'fout' : 'fouten'}; zie Controle hieronder.`);
    }
    this.proberen.meldScenarios(gegevens.scenarios, this.statusVak);
    return gegevens;
  }

  vraagOpmerking() {
    const dialoog = this.deel('deploy-dialoog');
    this.deel('deploy-fout').textContent = '';
    dialoog.querySelector('textarea').removeAttribute('aria-invalid');
    this.proberen.wisBevestiging(dialoog);
    dialoog.showModal();
  }

  async deployen(opmerking) {
    const dialoog = this.deel('deploy-dialoog');
    const veldFout = this.deel('deploy-fout');
    if (!opmerking) {
      veldFout.textContent = 'Schrijf kort op wat er is veranderd.';
      dialoog.querySelector('textarea').setAttribute('aria-invalid', 'true');
      return;
    }
    const bevestigd = this.proberen.bevestigd(dialoog); // null: no scenario ends differently (yet)
    if (bevestigd === false) {
      veldFout.textContent = 'Vink aan dat u de nieuwe uitkomsten van de scenario’s heeft bekeken.';
      return;
    }
    await this.opslaan({ stil: true });
    try {
      const { gegevens } = await vraag('POST', `${this.urls.concept}/deploy`, {
        csrf: this.csrf, body: { opmerking, scenarios_bevestigd: bevestigd === true },
      });
      dialoog.close();
      if (bevestigd) {
        await this.proberen.naPubliceren();
      }
      dialoog.querySelector('textarea').value = '';
      this.controle.toonProblemen([]);
      const versie = gegevens.versie;
      this.vuil = false;
      this.nuInGebruik(versie);
      this.gezien = null; // the deploy removed the draft: the next save starts a new one
      if (gegevens.nieuw === false) {
        this.status(`Het concept was gelijk aan versie ${versie}: er is geen nieuwe versie gemaakt en het concept is verwijderd.`);
      } else if (versie > 1) {
        this.status(
          `Versie ${versie} is gepubliceerd en in gebruik. Nieuwe signalen volgen nu versie ${versie}. `,
          maak('a', { class: 'utrecht-link', href: `${this.urls.vergelijk}?van=${versie - 1}&naar=${versie}` }, `Vergelijk met versie ${versie - 1}`),
          ' · ',
          maak('a', { class: 'utrecht-link', href: `${this.urls.migratie}?van=${versie - 1}&naar=${versie}` }, 'Lopende signalen migreren'),
        );
      } else {
        this.status(`Versie ${versie} is gepubliceerd en in gebruik. Nieuwe signalen kunnen nu deze route volgen.`);
      }
    } catch (fout) {
      if (fout instanceof ServerFout && fout.status === 409 && fout.antwoord.bevestiging_nodig) {
        this.proberen.vraagBevestiging(dialoog, fout.antwoord.scenarios); // shown in the dialog, which stays open
        return;
      }
      if (fout instanceof ServerFout && fout.status === 400 && fout.antwoord.velden) {
        veldFout.textContent = fout.antwoord.velden.opmerking || fout.message;
        dialoog.querySelector('textarea').setAttribute('aria-invalid', 'true');
        return;
      }
      dialoog.close();
      if (fout instanceof ServerFout && fout.status === 422) {
        this.controle.toonProblemen(fout.antwoord.problemen || []);
        this.status('Het concept is niet gepubliceerd: los eerst de fouten op (zie Controle hieronder).');
        return;
      }
      throw fout;
    }
  }

  /** After publishing: the page no longer says it is a draft on the previous version. */
  nuInGebruik(versie) {
    const uitleg = this.el.ownerDocument.querySelector('[data-deel="uitleg"]');
    if (uitleg) {
      uitleg.replaceChildren(`Versie ${versie} is in gebruik. Wat u nu wijzigt, komt in een nieuw concept op basis van versie ${versie}. `,
        maak('a', { class: 'utrecht-link', href: this.urls.vergelijk }, 'Versies vergelijken'));
    }
  }

  async verwijderen() {
    // eslint-disable-next-line no-alert -- a plain, accessible confirmation
    if (!window.confirm('Het concept verwijderen? Alle niet-gepubliceerde wijzigingen gaan verloren.')) {
      return;
    }
    await vraag('DELETE', this.urls.concept, { csrf: this.csrf });
    this.vuil = false;
    this.status('Het concept is verwijderd. De pagina laadt de laatste versie opnieuw…');
    window.location.reload();
  }

  // --- going to what a problem is about ---------------------------------------------------------
  toonElement(id) {
    const element = this.controle.element(id);
    if (!element) {
      return;
    }
    const doe = () => {
      this.modeler.get('selection').select(element);
      this.modeler.get('canvas').scrollToElement(element);
    };
    if (this.tab !== 'diagram') {
      this.kiesTab('diagram').then(doe);
    } else {
      doe();
    }
  }

  async toonBestand(bestand, elementId) {
    if (bestand.endsWith('.dmn')) {
      await this.kiesTab('beslistabellen');
      await this.beslistabellen.open(bestand, elementId);
    } else if (bestand.startsWith('formulieren/')) {
      await this.kiesTab('formulieren');
      await this.formulieren.open(bestand);
    }
  }
}

/** Builds the editor in `el`; sets data-sr-klaar="ja" once the draft is on screen. */
export async function editorPagina(el) {
  const editor = new Editor(el);
  el.srEditor = editor;
  try {
    await editor.start();
    el.dataset.srKlaar = 'ja';
  } catch (fout) {
    el.dataset.srKlaar = 'fout';
    editor.fout(fout instanceof ServerFout ? `Het concept kon niet worden geladen: ${fout.message}`
      : 'Het concept kon niet worden geladen. Laad de pagina opnieuw of probeer het later nog eens.');
    editor.statusVak.replaceChildren();
    console.error(fout);
  }
}
