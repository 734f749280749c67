// The editor's "Proberen" tab: play the saved draft in the server's sandbox (web/modeler/proberen.py).
//
// The browser keeps the try-out: its start time and its steps (the report, each step's answers, each
// jump of the clock). Every action sends all steps; the server replays them in memory and answers
// where the try-out stands: the path, the open steps with role and deadline, the decision rows, the
// timers and what happened. Nothing is stored, except a try-out saved as a scenario: that file goes
// into the draft (scenarios/<id>.json) and is saved with the draft's other files.
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';
import { Form } from '@bpmn-io/form-js-viewer';

import { maak } from '../hulp.js';
import { NederlandsModule } from '../vertalingen.js';
import { ServerFout, vraag } from './server.js';

const OVERLAY = 'sr-proberen';
const EENHEDEN = [['dagen', 'D'], ['uren', 'H']];

/** dd-mm-jjjj uu:mm in Amsterdam. */
export function moment(iso) {
  if (!iso) {
    return '';
  }
  const delen = Object.fromEntries(new Intl.DateTimeFormat('nl-NL', {
    day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    timeZone: 'Europe/Amsterdam',
  }).formatToParts(new Date(iso)).map((d) => [d.type, d.value]));
  return `${delen.day}-${delen.month}-${delen.year} ${delen.hour}:${delen.minute}`;
}

function kop(tekst) {
  return maak('h3', { class: 'utrecht-heading-3' }, tekst);
}

function knop(tekst, actie, soort = 'secondary-action') {
  const b = maak('button', { class: `utrecht-button utrecht-button--${soort}`, type: 'button' }, tekst);
  b.addEventListener('click', actie);
  return b;
}

function scenarioId(naam) {
  const id = naam.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '').slice(0, 60);
  return id || 'scenario';
}

export class Proberen {
  /**
   * @param editor the editor (its files, its save, its diagram)
   * @param {HTMLElement} el the tab panel's container
   */
  constructor(editor, el) {
    this.editor = editor;
    this.el = el;
    this.url = `/processen/${encodeURIComponent(editor.el.dataset.sleutel)}/proberen`;
    this.stappen = [];
    this.begin = null;
    this.stand = null;
    this.viewer = null;
  }

  deel(naam) {
    return this.el.querySelector(`[data-deel="${naam}"]`);
  }

  // --- the tab ------------------------------------------------------------------------------------
  async toon() {
    if (!this.viewer) {
      this.bouw();
    }
    if (this.editor.vuil) {
      await this.editor.opslaan({ stil: true }); // the server plays the saved draft
    }
    const { xml } = await this.editor.modeler.saveXML({ format: false });
    await this.viewer.importXML(xml);
    this.viewer.get('canvas').zoom('fit-viewport');
    try {
      this.info = (await vraag('GET', this.url)).gegevens;
    } catch (fout) {
      this.meldFout(fout);
      return;
    }
    this.tekenStart();
    if (this.stappen.length) {
      await this.speel(this.stappen);
    } else {
      this.teken(null);
    }
  }

  bouw() {
    const aantal = maak('input', { class: 'utrecht-textbox utrecht-textbox--html-input sr-proberen__aantal', id: 'sr-proberen-aantal',
      type: 'number', min: '1', max: '800', value: '1', inputmode: 'numeric' });
    const eenheid = maak('select', { class: 'utrecht-select utrecht-select--html-select', id: 'sr-proberen-eenheid',
      'aria-label': 'Eenheid' }, ...EENHEDEN.map(([naam, code]) => new Option(naam, code)));
    const naam = maak('input', { class: 'utrecht-textbox utrecht-textbox--html-input', id: 'sr-proberen-naam',
      maxlength: '200' });
    this.el.replaceChildren(
      maak('p', { class: 'utrecht-paragraph' }, 'Probeer het concept uit met een verzonnen signaal: vul de formulieren in, '
        + 'kies bij elke stap en zet de klok vooruit. Er ontstaat geen echt signaal, er gaat geen mail uit en niets telt mee in de cijfers.'),
      maak('div', { class: 'sr-proberen__werk' },
        maak('div', { class: 'sr-proberen__diagram' },
          maak('div', { class: 'sr-proberen__canvas sr-diagram', 'data-deel': 'proberen-canvas', role: 'region',
            'aria-label': 'Diagram met het pad van het proberen: groen is doorlopen, geel staat open' }),
          maak('p', { class: 'sr-proberen__legenda' },
            maak('span', { class: 'sr-diagram__staal sr-diagram__staal--voltooid', 'aria-hidden': 'true' }), ' doorlopen ',
            maak('span', { class: 'sr-diagram__staal sr-diagram__staal--actief', 'aria-hidden': 'true' }), ' staat open')),
        maak('div', { class: 'sr-proberen__zijkant' },
          maak('div', { 'data-deel': 'proberen-stand', role: 'status', 'aria-live': 'polite' }),
          maak('div', { 'data-deel': 'proberen-fout', role: 'alert' }),
          maak('section', { 'data-deel': 'proberen-start' }),
          maak('section', { 'data-deel': 'proberen-taken', hidden: true }),
          maak('section', { 'data-deel': 'proberen-klok', hidden: true },
            kop('Klok'),
            maak('p', { class: 'utrecht-paragraph', 'data-deel': 'proberen-nu' }),
            maak('p', { class: 'sr-proberen__rij' },
              maak('label', { class: 'utrecht-form-label', for: 'sr-proberen-aantal' }, 'Klok vooruit'), aantal, eenheid,
              knop('Klok vooruit', () => this.klokVooruit(aantal.value, eenheid.value)))),
          maak('section', { 'data-deel': 'proberen-beslissingen', hidden: true }),
          maak('section', { 'data-deel': 'proberen-timers', hidden: true }),
          maak('section', { 'data-deel': 'proberen-bewaren', hidden: true },
            kop('Bewaren als scenario'),
            maak('p', { class: 'utrecht-paragraph' }, 'Een scenario wordt bij elke validatie en publicatie opnieuw afgespeeld. '
              + 'Eindigt het dan anders, dan ziet u het verschil en vraagt publiceren om een bevestiging.'),
            maak('p', { class: 'utrecht-form-field' },
              maak('label', { class: 'utrecht-form-label', for: 'sr-proberen-naam' }, 'Naam van het scenario'), naam),
            knop('Bewaren als scenario', () => this.bewaar(naam)),
            maak('p', { class: 'utrecht-paragraph', 'data-deel': 'proberen-bewaard' })),
          maak('section', { 'data-deel': 'proberen-verloop', hidden: true },
            kop('Verloop'), maak('ol', { class: 'utrecht-ordered-list sr-proberen__verloop' })),
        )),
    );
    this.viewer = new NavigatedViewer({ container: this.deel('proberen-canvas'), zoomScroll: { enabled: false } });
  }

  // --- starting -----------------------------------------------------------------------------------
  tekenStart() {
    const start = this.deel('proberen-start');
    const keuze = maak('select', { class: 'utrecht-select utrecht-select--html-select', id: 'sr-proberen-voorbeeld' },
      ...(this.info.voorbeelden || []).map((v, i) => new Option(v.naam, String(i))));
    const delen = [kop('Beginnen')];
    if ((this.info.voorbeelden || []).length) {
      delen.push(
        maak('p', { class: 'utrecht-form-field' },
          maak('label', { class: 'utrecht-form-label', for: 'sr-proberen-voorbeeld' }, 'Voorbeeldsignaal (verzonnen)'), keuze),
        knop('Starten met dit voorbeeld', () => this.nieuw([
          { soort: 'melden', gegevens: this.info.voorbeelden[Number(keuze.value)].melding }]), 'primary-action'),
      );
    }
    if (this.info.startformulier) {
      const vak = maak('div', { class: 'sr-proberen__formulier' });
      delen.push(maak('p', { class: 'utrecht-paragraph' }, 'Vul alleen verzonnen gegevens in: een bewaard scenario '
        + 'gaat met het proces mee en is voor alle procesbeheerders te zien.'));
      delen.push(knop('Melding zelf invullen', () => this.formulier(vak, this.info.startformulier, 'Melden en starten',
        (gegevens) => this.nieuw([{ soort: 'melden', gegevens }]))), vak);
    }
    const scenarios = this.info.scenarios || [];
    if (scenarios.length) {
      delen.push(kop('Bewaarde scenario’s'), maak('ul', { class: 'utrecht-unordered-list', 'data-deel': 'proberen-scenarios' },
        ...scenarios.map((s) => maak('li', {}, knop(`Afspelen: ${s.naam}`, () => {
          this.begin = s.begin;
          this.speel(s.stappen);
        }, 'subtle')))));
    }
    start.replaceChildren(...delen);
  }

  async formulier(vak, schema, knopTekst, verder) {
    vak.replaceChildren();
    const form = new Form({ container: vak, additionalModules: [NederlandsModule] });
    await form.importSchema(schema, {});
    const klaar = knop(knopTekst, async () => {
      const { data, errors } = form.submit();
      if (Object.keys(errors || {}).length) {
        this.fout('Vul eerst de gemarkeerde velden in.');
        return;
      }
      klaar.disabled = true;
      try {
        await verder(data);
      } finally {
        klaar.disabled = false;
      }
    }, 'primary-action');
    vak.append(klaar);
  }

  nieuw(stappen) {
    this.begin = null; // now, on the server's clock
    return this.speel(stappen);
  }

  opnieuw() {
    this.stappen = [];
    this.begin = null;
    this.teken(null);
  }

  // --- playing ------------------------------------------------------------------------------------
  async speel(stappen) {
    this.deel('proberen-fout').replaceChildren();
    let stand;
    try {
      stand = (await vraag('POST', this.url, { csrf: this.editor.csrf, body: { stappen, begin: this.begin } })).gegevens;
    } catch (fout) {
      this.meldFout(fout);
      return;
    }
    this.begin = stand.begin;
    if (stand.fout) {
      const velden = Object.entries(stand.fout.velden || {}).map(([veld, tekst]) => `${veld}: ${tekst}`);
      const nieuw = stand.fout.actie === stappen.length - 1 && stappen.length > this.stappen.length;
      this.fout(nieuw ? `Deze stap kan zo niet: ${[stand.fout.bericht, ...velden].join('; ')}`
        : `Het proberen kan niet verder na stap ${stand.fout.actie}: ${[stand.fout.bericht, ...velden].join('; ')}`);
      stappen = stappen.slice(0, stand.uitgevoerd);
    }
    this.stappen = stappen;
    this.teken(stappen.length ? stand : null);
  }

  klokVooruit(aantal, eenheid) {
    const n = Number.parseInt(aantal, 10);
    if (!Number.isInteger(n) || n < 1 || n > (eenheid === 'H' ? 19200 : 800)) {
      this.fout('Klok vooruit: geef een heel aantal van 1 tot 800 dagen.');
      return Promise.resolve();
    }
    return this.speel([...this.stappen, { soort: 'klok', duur: eenheid === 'H' ? `PT${n}H` : `P${n}D` }]);
  }

  async bewaar(veld) {
    const naam = veld.value.trim();
    if (!naam) {
      veld.setAttribute('aria-invalid', 'true');
      this.fout('Geef het scenario een naam.');
      return;
    }
    veld.removeAttribute('aria-invalid');
    try {
      const { gegevens } = await vraag('POST', `${this.url}/scenario`, {
        csrf: this.editor.csrf, body: { id: scenarioId(naam), naam, stappen: this.stappen, begin: this.begin },
      });
      this.editor.bestanden[gegevens.bestand] = gegevens.inhoud;
      await this.editor.opslaan({ stil: true });
      this.deel('proberen-bewaard').textContent = `Scenario '${naam}' is bewaard in het concept (${gegevens.bestand}).`;
      this.info = (await vraag('GET', this.url)).gegevens;
      this.tekenStart();
    } catch (fout) {
      this.meldFout(fout);
    }
  }

  // --- showing ------------------------------------------------------------------------------------
  fout(tekst) {
    this.deel('proberen-fout').replaceChildren(maak('div', { class: 'utrecht-alert utrecht-alert--error sr-melding sr-melding--fout' },
      maak('p', { class: 'utrecht-paragraph' }, tekst)));
  }

  meldFout(fout) {
    this.fout(fout instanceof ServerFout ? fout.message : `Er ging iets mis: ${fout.message}`);
    console.error(fout);
  }

  teken(stand) {
    this.stand = stand;
    const loopt = Boolean(stand);
    this.deel('proberen-start').hidden = loopt;
    for (const naam of ['proberen-klok', 'proberen-bewaren', 'proberen-verloop']) {
      this.deel(naam).hidden = !loopt;
    }
    this.tekenStand(stand);
    this.tekenTaken(stand);
    this.tekenLijsten(stand);
    this.tekenDiagram(stand);
  }

  tekenStand(stand) {
    const vak = this.deel('proberen-stand');
    if (!stand) {
      vak.replaceChildren(maak('p', { class: 'utrecht-paragraph' }, 'Nog niet begonnen. Kies een voorbeeldsignaal of vul de melding zelf in.'));
      return;
    }
    const route = stand.route_naam ? ` Route: ${stand.route_naam}.` : '';
    const tekst = {
      afgerond: `Afgerond: ${stand.uitkomst || 'zonder uitkomst'}.${route}`,
      vastgelopen: `Vastgelopen: ${stand.fout ? stand.fout.bericht : ''}`,
    }[stand.status] || `Loopt.${route}`;
    vak.replaceChildren(maak('p', { class: 'utrecht-paragraph sr-proberen__stand', 'data-status': stand.status }, maak('strong', {}, tekst)),
      knop('Opnieuw beginnen', () => this.opnieuw(), 'subtle'));
    this.deel('proberen-nu').textContent = `Klok van het proberen: ${moment(stand.nu)}`;
  }

  tekenTaken(stand) {
    const vak = this.deel('proberen-taken');
    const taken = stand ? stand.open_taken : [];
    vak.hidden = !taken.length;
    vak.replaceChildren(kop('Open stappen'), maak('ul', { class: 'sr-proberen__taken' }, ...taken.map((taak) => {
      const formVak = maak('div', { class: 'sr-proberen__formulier' });
      const merken = [
        taak.deadline ? ` · deadline ${taak.deadline_tekst}` : ' · geen deadline',
        taak.verlopen ? maak('strong', { class: 'sr-proberen__verlopen' }, ' · verlopen') : '',
        taak.geescaleerd ? maak('strong', { class: 'sr-proberen__verlopen' }, ' · geëscaleerd') : '',
        taak.casustafel ? ' · besluit van de casustafel' : '',
      ];
      const schema = this.editor.bestanden[`formulieren/${taak.formulier}.form.json`];
      return maak('li', { class: 'sr-proberen__taak', 'data-stap': taak.stap },
        maak('p', { class: 'utrecht-paragraph' }, maak('strong', {}, taak.naam), ` — ${taak.rol_naam}`, ...merken),
        schema ? knop(`Invullen: ${taak.naam}`, () => this.formulier(formVak, JSON.parse(schema), 'Stap afronden',
          (gegevens) => this.speel([...this.stappen, { soort: 'taak', stap: taak.stap, gegevens }])))
          : maak('p', { class: 'utrecht-paragraph' }, `Formulier '${taak.formulier}' ontbreekt in het concept.`),
        formVak);
    })));
  }

  tekenLijsten(stand) {
    const beslissingen = stand ? stand.beslissingen : [];
    const beslisVak = this.deel('proberen-beslissingen');
    beslisVak.hidden = !beslissingen.length;
    beslisVak.replaceChildren(kop('Beslistabellen'), maak('ul', { class: 'utrecht-unordered-list' }, ...beslissingen.map((b) => maak('li', {},
      b.regel ? `${b.beslissing}: regel ${b.regel}${b.omschrijving ? ` — ${b.omschrijving}` : ''}` : `${b.beslissing}: geen regel past`))));
    const timers = stand ? stand.timers : [];
    const timerVak = this.deel('proberen-timers');
    timerVak.hidden = !timers.length;
    timerVak.replaceChildren(kop('Wachtende timers'), maak('ul', { class: 'utrecht-unordered-list' }, ...timers.map((t) => maak('li', {},
      `${t.naam} — gaat af ${t.gaat_af_tekst}${t.actie ? ` (${t.actie})` : ''}`))));
    const verloop = this.deel('proberen-verloop').querySelector('ol');
    verloop.replaceChildren(...(stand ? stand.gebeurtenissen : []).map((e) => maak('li', { class: `sr-proberen__gebeurtenis sr-proberen__gebeurtenis--${e.soort}` },
      maak('span', { class: 'sr-proberen__tijd' }, moment(e.tijd)), ' ', e.tekst)));
  }

  tekenDiagram(stand) {
    const canvas = this.viewer.get('canvas');
    const register = this.viewer.get('elementRegistry');
    const overlays = this.viewer.get('overlays');
    overlays.remove({ type: OVERLAY });
    for (const element of register.getAll()) {
      canvas.removeMarker(element.id, 'sr-voltooid');
      canvas.removeMarker(element.id, 'sr-actief');
    }
    if (!stand) {
      return;
    }
    const pad = new Set(stand.pad);
    const open = new Set(stand.open_taken.map((t) => t.stap));
    for (const element of register.getAll()) {
      const bo = element.businessObject || {};
      const doorlopen = element.waypoints
        ? pad.has(bo.sourceRef && bo.sourceRef.id) && (pad.has(bo.targetRef && bo.targetRef.id) || open.has(bo.targetRef && bo.targetRef.id))
        : pad.has(element.id);
      if (open.has(element.id)) {
        canvas.addMarker(element.id, 'sr-actief');
      } else if (doorlopen) {
        canvas.addMarker(element.id, 'sr-voltooid');
      }
    }
    for (const taak of stand.open_taken) {
      if (register.get(taak.stap)) {
        const tekst = `${taak.rol_naam}${taak.deadline ? ` · ${taak.deadline_tekst}` : ''}${taak.geescaleerd ? ' · geëscaleerd' : ''}`;
        overlays.add(taak.stap, OVERLAY, { position: { bottom: -6, left: 0 },
          html: maak('div', { class: `sr-proberen__merk${taak.geescaleerd ? ' sr-proberen__merk--escalatie' : ''}` }, tekst) });
      }
    }
    for (const b of stand.beslissingen) {
      if (register.get(b.element) && b.regel) {
        overlays.add(b.element, OVERLAY, { position: { top: -22, left: 0 },
          html: maak('div', { class: 'sr-proberen__merk' }, `regel ${b.regel}`) });
      }
    }
  }

  // --- validating and publishing (called by the editor) -------------------------------------------
  /** After Valideren: how the saved scenarios end now, under the status line. */
  meldScenarios(scenarios, vak) {
    if (!scenarios || !scenarios.length) {
      return;
    }
    const anders = scenarios.filter((s) => !s.gelijk);
    vak.append(maak('p', { class: 'utrecht-paragraph', 'data-deel': 'scenario-uitslag' }, anders.length
      ? `${anders.length} van ${scenarios.length} scenario’s eindigen nu anders: ${anders.map((s) => `'${s.naam}': ${s.verschillen.join(' ')}`).join(' ')}`
      : `Alle ${scenarios.length} scenario’s eindigen nog zoals bewaard.`));
  }

  /** null: no confirmation asked; otherwise whether the owner ticked it. */
  bevestigd(dialoog) {
    const vink = dialoog.querySelector('[name="scenarios_bevestigd"]');
    return vink ? vink.checked : null;
  }

  wisBevestiging(dialoog) {
    const vak = dialoog.querySelector('[data-deel="deploy-scenarios"]');
    if (vak) {
      vak.replaceChildren();
    }
  }

  /** The deploy was held: show each scenario's new ending and ask for a confirmation. */
  vraagBevestiging(dialoog, scenarios) {
    const vak = dialoog.querySelector('[data-deel="deploy-scenarios"]');
    vak.replaceChildren(
      maak('h3', { class: 'utrecht-heading-3' }, 'Scenario’s die nu anders eindigen'),
      maak('ul', { class: 'utrecht-unordered-list' }, ...scenarios.filter((s) => !s.gelijk).map((s) => maak('li', {},
        maak('strong', {}, s.naam), maak('ul', {}, ...s.verschillen.map((v) => maak('li', {}, v)))))),
      maak('p', { class: 'utrecht-form-field utrecht-form-field--checkbox' },
        maak('input', { type: 'checkbox', class: 'utrecht-checkbox', id: 'sr-deploy-scenarios', name: 'scenarios_bevestigd' }),
        ' ', maak('label', { class: 'utrecht-form-label', for: 'sr-deploy-scenarios' },
          'Ik heb de nieuwe uitkomsten bekeken: dit is de bedoeling. De scenario’s verwachten voortaan deze uitkomst.')),
    );
  }

  /** After publishing: the scenarios as deployed (a confirmed one now expects its new ending). */
  async naPubliceren() {
    const { gegevens } = await vraag('GET', this.editor.urls.concept);
    for (const [naam, inhoud] of Object.entries(gegevens.bestanden)) {
      if (naam.startsWith('scenarios/')) {
        this.editor.bestanden[naam] = inhoud;
      }
    }
  }
}
