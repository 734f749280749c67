// Form island: renders a form-js schema, posts it as JSON and shows the
// server's answer — field errors under their fields, other messages in an alert.
//
// <div class="sr-formulier"
//      data-schema='{…form-js schema…}' data-gegevens='{…}' data-fouten='{"veld": "melding"}'
//      data-actie="/taken/12/voltooien" data-csrf="…" data-knop="Versturen" data-terug="/taken"
//      data-concept="/taken/12/concept"          (optional: "Concept opslaan", no checks, stays here)
//      data-voortgang="/taken/12/voortgang">     (optional: "Opslaan als voortgangsverslag", task stays open)
//   (optional no-JS fallback, replaced once the form has rendered)
// </div>
import { Form } from '@bpmn-io/form-js-viewer';
import flatpickr from 'flatpickr';
import { Dutch } from 'flatpickr/dist/esm/l10n/nl.js';

import { bewaakDatums } from './datumcontrole.js';
import { haal, kloon, leesJson, maak, naRender, tekstLijst, zet } from './hulp.js';
import { NederlandsModule } from './vertalingen.js';

// form-js's date picker (flatpickr): Dutch month and day names, weeks start on Monday.
flatpickr.localize(Dutch);

export const MELDING_VERBINDING = 'De verbinding is verbroken; uw invoer is bewaard. Probeer het opnieuw.';

const MELDING_PER_STATUS = {
  400: 'De server kon het verzoek niet verwerken. Uw invoer is bewaard; laad de pagina opnieuw en probeer het nog eens.',
  401: 'U bent niet (meer) ingelogd. Log in een ander tabblad opnieuw in en probeer het dan nog eens; uw invoer is bewaard.',
  403: 'U mag deze actie niet uitvoeren.',
  404: 'Deze taak of dit formulier bestaat niet (meer).',
  409: 'Iemand anders heeft dit intussen al afgehandeld.',
  413: 'De invoer is te groot om te versturen.',
  422: 'Controleer de gemarkeerde velden.',
  500: 'Er ging iets mis op de server. Uw invoer is bewaard; probeer het later opnieuw.',
};

function meldingVoorStatus(status) {
  if (MELDING_PER_STATUS[status]) {
    return MELDING_PER_STATUS[status];
  }
  if (status >= 500) {
    return MELDING_PER_STATUS[500];
  }
  return `Het versturen is niet gelukt (status ${status}). Uw invoer is bewaard; probeer het opnieuw.`;
}

async function leesAntwoord(antwoord) {
  const soort = antwoord.headers.get('Content-Type') || '';
  if (!soort.includes('json')) {
    return null;
  }
  try {
    return await antwoord.json();
  } catch {
    return null;
  }
}

const isIndex = (stap) => /^\d+$/.test(stap);

/**
 * Where each form field's value lives, by the keys a server may use for it.
 *
 * Walks the imported schema (groups and dynamic lists included) the way form-js
 * binds values: a keyed field's dotted `key` is a path, a group or list with a
 * `path` prefixes its children. Fields inside a dynamic list are listed with `*`
 * for the row number (`personen.*.naam`).
 *
 * @returns {Map<string, {id: string, pad: string[], label: string, herhalingen: number}>}
 */
function veldenIndex(form) {
  const soorten = form.get('formFields');
  const index = new Map();
  const { schema } = form._getState();

  function loop(componenten, prefix, herhalingen) {
    for (const component of componenten || []) {
      const config = (soorten.get(component.type) || {}).config || {};
      let eigenPad = prefix;
      if (config.keyed && component.key) {
        const pad = [...prefix, ...component.key.split('.')];
        const veld = { id: component.id, pad, label: component.label || component.key, herhalingen };
        for (const naam of [pad.join('.'), component.key, component.id]) {
          if (!index.has(naam)) {
            index.set(naam, veld);
          }
        }
      }
      if (config.pathed && component.path) {
        eigenPad = [...prefix, ...component.path.split('.')];
      }
      if (Array.isArray(component.components)) {
        const herhaald = Boolean(config.repeatable && component.isRepeating);
        loop(component.components, herhaald ? [...eigenPad, '*'] : eigenPad, herhalingen + (herhaald ? 1 : 0));
      }
    }
  }

  loop(schema ? schema.components : [], [], 0);
  return index;
}

/** The field a server key names, with row numbers for fields in dynamic lists. */
function zoekVeld(index, sleutel) {
  const direct = index.get(sleutel);
  if (direct && direct.herhalingen === 0) {
    return { ...direct, indexen: [] };
  }
  const stappen = String(sleutel).split('.');
  const indexen = stappen.filter(isIndex).map(Number);
  const veld = index.get(stappen.map((s) => (isIndex(s) ? '*' : s)).join('.'));
  if (!veld || veld.herhalingen !== indexen.length || indexen.length === 0) {
    return null;
  }
  let i = 0;
  return { ...veld, pad: veld.pad.map((s) => (s === '*' ? indexen[i++] : s)), indexen };
}

export async function formulierEiland(el) {
  const schema = leesJson(el, 'schema', null);
  if (!schema || typeof schema !== 'object') {
    throw new Error('data-schema ontbreekt');
  }
  const gegevens = leesJson(el, 'gegevens', {}) || {};
  const beginFouten = leesJson(el, 'fouten', {}) || {};
  const actie = el.dataset.actie || '';
  const csrf = el.dataset.csrf || '';
  const terug = el.dataset.terug || '';
  const alleenLezen = !actie;

  const velden = maak('div', { class: 'sr-formulier__velden' });
  const berichtTekst = maak('div', { class: 'utrecht-alert__message' });
  const melding = maak(
    'div',
    { class: 'utrecht-alert utrecht-alert--error sr-melding sr-melding--fout sr-formulier__melding', role: 'alert', hidden: true },
    maak('div', { class: 'utrecht-alert__content' }, berichtTekst),
  );
  const knop = maak(
    'button',
    { class: 'utrecht-button utrecht-button--primary-action sr-formulier__knop', type: 'button' },
    el.dataset.knop || 'Versturen',
  );
  // Saving without completing: a draft (only for this user) and a progress report (kept in the case file).
  const extra = [
    ['voortgang', 'Opslaan als voortgangsverslag'],
    ['concept', 'Concept opslaan'],
  ]
    .filter(([naam]) => el.dataset[naam])
    .map(([naam, tekst]) => {
      const b = maak('button', { class: 'utrecht-button utrecht-button--secondary-action', type: 'button' }, tekst);
      b.dataset.doel = el.dataset[naam];
      b.dataset.soort = naam;
      return b;
    });
  const knoppen = maak('div', { class: 'utrecht-button-group sr-formulier__knoppen' }, knop, ...extra);

  const form = new Form({
    additionalModules: [NederlandsModule],
    // Every keystroke goes into the form state at once: with form-js's default
    // 300 ms debounce a click right after typing could get lost or be overwritten.
    debounce: false,
    properties: alleenLezen ? { readOnly: true } : {},
  });
  await form.importSchema(schema, gegevens);
  const datums = bewaakDatums(el); // no silent roll-over of an impossible date (31-02)

  // Rendered: the (no-JS) content of the element makes way for the form.
  el.replaceChildren(velden, melding, ...(alleenLezen ? [] : [knoppen]));
  form.attachTo(velden);

  // ---- general messages (role=alert) ----------------------------------------
  function toonMelding(tekst, soort = 'error', lijst = []) {
    melding.classList.toggle('utrecht-alert--error', soort === 'error');
    melding.classList.toggle('sr-melding--fout', soort === 'error');
    melding.classList.toggle('utrecht-alert--ok', soort === 'ok');
    melding.classList.toggle('sr-melding--succes', soort === 'ok');
    berichtTekst.replaceChildren();
    melding.hidden = false;
    // Filled after un-hiding, so screen readers announce it (again).
    berichtTekst.append(maak('p', { class: 'utrecht-paragraph' }, tekst));
    if (lijst.length) {
      berichtTekst.append(
        maak('ul', { class: 'utrecht-unordered-list' }, ...lijst.map((r) => maak('li', { class: 'utrecht-unordered-list__item' }, r))),
      );
    }
  }
  function verbergMelding() {
    melding.hidden = true;
    berichtTekst.replaceChildren();
  }

  // ---- server errors on their fields ------------------------------------------
  // form-js keeps validation errors in its state, keyed by component id (and row
  // number inside dynamic lists): state.errors = {veld_id: ['melding']}. We put the
  // server's messages there with form._setState({errors}), which form-js renders
  // under the field (aria-invalid, aria-describedby) exactly like its own.
  // form-js re-validates a field on its first blur and once after import, and that
  // would silently drop a server message; so a server message stays until the value
  // it was about changes (or the next submit), re-added after each state change.
  const serverFouten = new Map();

  function herstelServerFouten() {
    if (!serverFouten.size) {
      return;
    }
    const { data, errors } = form._getState();
    let nieuw = null;
    for (const [sleutel, fout] of serverFouten) {
      if (JSON.stringify(haal(data, fout.pad)) !== fout.waarde) {
        serverFouten.delete(sleutel);
        continue;
      }
      const pad = [fout.id, ...fout.indexen];
      const huidig = haal(nieuw || errors, pad);
      const lijst = Array.isArray(huidig) ? huidig : [];
      const ontbrekend = fout.berichten.filter((b) => !lijst.includes(b));
      if (ontbrekend.length) {
        nieuw = nieuw || kloon(errors) || {};
        zet(nieuw, pad, [...lijst, ...ontbrekend]);
      }
    }
    if (nieuw) {
      form._setState({ errors: nieuw });
    }
  }
  // Priority 100: after form-js's own renderer (1000) has taken the state, so the
  // renderer's last word is the merged errors.
  form.on('changed', 100, herstelServerFouten);

  /** Puts {veldsleutel: melding} on the fields; returns the messages no field shows. */
  function zetServerFouten(foutenPerVeld) {
    serverFouten.clear();
    const index = veldenIndex(form);
    const zichtbaar = form.get('formFieldInstanceRegistry').getAllKeyed();
    const { data } = form._getState();
    const over = [];
    for (const [sleutel, waarde] of Object.entries(foutenPerVeld || {})) {
      const berichten = tekstLijst(waarde);
      if (!berichten.length) {
        continue;
      }
      const veld = zoekVeld(index, sleutel);
      const getoond =
        veld &&
        zichtbaar.some(
          (i) => i.id === veld.id && JSON.stringify(Object.values(i.indexes || {})) === JSON.stringify(veld.indexen),
        );
      if (!getoond) {
        over.push(`${veld ? veld.label : sleutel}: ${berichten.join(' ')}`);
        continue;
      }
      const id = [veld.id, ...veld.indexen].join('/');
      const bestaand = serverFouten.get(id);
      serverFouten.set(id, {
        id: veld.id,
        indexen: veld.indexen,
        pad: veld.pad,
        berichten: bestaand ? [...bestaand.berichten, ...berichten] : berichten,
        waarde: JSON.stringify(haal(data, veld.pad)),
      });
    }
    herstelServerFouten();
    return over;
  }

  function focusEersteFout() {
    const veld = velden.querySelector('.fjs-has-errors');
    const invoer =
      veld &&
      veld.querySelector(
        'input:not([type="hidden"]):not([disabled]), textarea:not([disabled]), select:not([disabled]), [tabindex]:not([tabindex="-1"]), button:not([disabled])',
      );
    if (invoer) {
      invoer.focus();
    }
  }

  // ---- submitting ----------------------------------------------------------------
  let bezig = false;
  function zetBezig(aan) {
    bezig = aan;
    for (const b of extra) {
      b.disabled = aan;
    }
    knop.disabled = aan;
    knop.classList.toggle('utrecht-button--busy', aan);
    if (aan) {
      knop.setAttribute('aria-busy', 'true');
    } else {
      knop.removeAttribute('aria-busy');
    }
  }

  async function verstuur(data, clientFouten, doelUrl = actie, bewaard = null) {
    if (bezig) {
      return;
    }
    const foutDatum = datums.ongeldig()[0];
    if (foutDatum) {
      foutDatum.focus();
      return;
    }
    if (clientFouten && Object.keys(clientFouten).length) {
      // form-js shows these under the fields; bring the user to the first one.
      verbergMelding();
      await naRender();
      focusEersteFout();
      return;
    }
    zetBezig(true);
    verbergMelding();
    let navigeert = false;
    try {
      let antwoord;
      try {
        antwoord = await fetch(doelUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-CSRFToken': csrf, Accept: 'application/json' },
          body: JSON.stringify({ data }),
          credentials: 'same-origin',
        });
      } catch {
        toonMelding(MELDING_VERBINDING);
        return;
      }
      const inhoud = await leesAntwoord(antwoord);
      const fout = inhoud && typeof inhoud.fout === 'string' && inhoud.fout ? inhoud.fout : null;
      if (antwoord.ok && bewaard && !(inhoud && inhoud.doorsturen)) {
        toonMelding(bewaard, 'ok');
        return;
      }
      if (antwoord.ok) {
        const doel = (inhoud && inhoud.doorsturen) || terug;
        if (doel) {
          navigeert = true;
          window.location.assign(doel);
        } else {
          toonMelding('Uw invoer is opgeslagen.', 'ok');
        }
        return;
      }
      if (antwoord.status === 422 && inhoud && inhoud.velden && typeof inhoud.velden === 'object') {
        const over = zetServerFouten(inhoud.velden);
        toonMelding(fout || MELDING_PER_STATUS[422], 'error', over);
        await naRender();
        focusEersteFout();
        return;
      }
      toonMelding(fout || meldingVoorStatus(antwoord.status));
    } finally {
      // While the next page loads the button stays disabled (no double submit).
      if (!navigeert) {
        zetBezig(false);
      }
    }
  }

  if (!alleenLezen) {
    // Server messages from the previous attempt go before form-js validates anew.
    form.on('presubmit', () => serverFouten.clear());
    // One path for our button and for Enter in a text field (form-js's <form> submit).
    form.on('submit', (event) => {
      verstuur(event.data, event.errors);
    });
    knop.addEventListener('click', () => {
      if (!bezig) {
        form.submit();
      }
    });
    for (const b of extra) {
      // No form-js validation: a draft or progress report may leave required fields empty.
      b.addEventListener('click', () => {
        serverFouten.clear();
        const tijd = new Date().toLocaleTimeString('nl-NL', { hour: '2-digit', minute: '2-digit' });
        const tekst = b.dataset.soort === 'concept' ? `Concept opgeslagen om ${tijd}. Alleen u ziet het.` : null;
        verstuur(form._getState().data, null, b.dataset.doel, tekst);
      });
    }
    // Back/forward cache: a page restored after navigating away is usable again.
    window.addEventListener('pageshow', (event) => {
      if (event.persisted) {
        zetBezig(false);
      }
    });
  }

  // Errors the server rendered into the page (e.g. after a post without JavaScript).
  if (Object.keys(beginFouten).length) {
    await naRender();
    const over = zetServerFouten(beginFouten);
    if (over.length) {
      toonMelding(MELDING_PER_STATUS[422], 'error', over);
    }
  }

  return form;
}
