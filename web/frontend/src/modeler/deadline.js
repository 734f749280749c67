// A task's deadline, in one place: on the task, as a number and a unit ("7 dagen").
//
// Where it is stored is what the engine reads (engine/runtime/projections.py `_deadline`):
//   - a task with an escalation timer (a boundary timer with actie=escalatie): the timer's
//     timeDuration, a quoted Python string ("P7D") or, in working days, werkdagen(5) (the sandbox
//     counts them: engine/spiff/sandbox.py); the timer fires when the deadline passes;
//   - a task without one: the spiffworkflow:property `deadline` (P7D or werkdagen(5)), a due date on
//     the worklist.
// Changing it on the task changes the timer. The ISO 8601 text is shown only in "Gevorderd".
import { SelectEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

import {
  alsExpressie, beschrijfDuur, EENHEDEN, isWerkdagen, leesAantal, metMinderjarigeTermijn, minderjarigeTermijn, naarIso, uitIso,
} from './duur.js';
import {
  eigenschapOpdrachten, escalatieTimer, leesEigenschap, metParent, taakVanEscalatie, timerDefinitie, voerUit, zonderAanhalingstekens,
} from './extensies.js';
import { isoDuur } from './tijd.js';

const TERMIJN = /Termijn voor deze taak: [^.]*\./;

/** The deadline of task `element` as ISO 8601 ('' = none). */
export function leesDeadline(element) {
  const timer = escalatieTimer(element);
  if (timer) {
    const body = timerDefinitie(timer).timeDuration && timerDefinitie(timer).timeDuration.body;
    const kind = minderjarigeTermijn(body);
    return kind ? kind.gewoon : zonderAanhalingstekens(body);
  }
  return leesEigenschap(element, 'deadline');
}

/** The shorter term for a minor on task `element`'s escalation timer (ISO 8601), or ''. */
function minderjarigDeadline(element) {
  const timer = escalatieTimer(element);
  const definitie = timer && timerDefinitie(timer);
  const kind = definitie && definitie.timeDuration && minderjarigeTermijn(definitie.timeDuration.body);
  return kind ? kind.minderjarig : '';
}

/** Sets the deadline of task `element` (ISO 8601) where the engine reads it, as one undoable step. */
export function zetDeadline(element, iso, { bpmnFactory, commandStack }) {
  const timer = escalatieTimer(element);
  if (!timer) {
    voerUit(commandStack, eigenschapOpdrachten(element, 'deadline', iso, bpmnFactory));
    return;
  }
  if (!iso) {
    return; // an escalation needs a deadline: the field says so (valideer)
  }
  const definitie = timerDefinitie(timer);
  const minderjarig = minderjarigDeadline(element); // kept: the field changes the usual term only
  const body = minderjarig ? metMinderjarigeTermijn(minderjarig, iso) : alsExpressie(iso);
  const opdrachten = [];
  if (definitie.timeDuration) {
    opdrachten.push({ cmd: 'element.updateModdleProperties', context: { element: timer, moddleElement: definitie.timeDuration, properties: { body } } });
  } else {
    const expressie = metParent(bpmnFactory.create('bpmn:FormalExpression', { body }), definitie);
    opdrachten.push({ cmd: 'element.updateModdleProperties', context: { element: timer, moddleElement: definitie,
      properties: { timeDuration: expressie, timeDate: undefined, timeCycle: undefined } } });
  }
  // One place: a `deadline` property next to the timer would be a second, ignored value.
  opdrachten.push(...eigenschapOpdrachten(element, 'deadline', '', bpmnFactory));
  // The task changed too (its panel shows the new deadline): mark it, without changing anything on it.
  opdrachten.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement: getBusinessObject(element), properties: {} } });
  // The timer's own explanation names the term ("Termijn voor deze taak: 5 dagen."): keep it true.
  const uitleg = (getBusinessObject(timer).documentation || [])[0];
  if (uitleg && TERMIJN.test(uitleg.text || '')) {
    opdrachten.push({ cmd: 'element.updateModdleProperties', context: { element: timer, moddleElement: uitleg,
      properties: { text: uitleg.text.replace(TERMIJN, `Termijn voor deze taak: ${beschrijfDuur(iso)}${
        minderjarig ? `; bij een minderjarige ${beschrijfDuur(minderjarig)}` : ''}.`) } } });
  }
  voerUit(commandStack, opdrachten);
}

function useDiensten() {
  return { bpmnFactory: useService('bpmnFactory'), commandStack: useService('commandStack'), debounce: useService('debounceInput') };
}

function uitleg(element) {
  const timer = escalatieTimer(element);
  if (timer) {
    const naam = getBusinessObject(timer).name || timer.id;
    const minderjarig = minderjarigDeadline(element);
    const kind = minderjarig ? ` Bij een minderjarige geldt ${beschrijfDuur(minderjarig)} (te wijzigen onder Gevorderd).` : '';
    return `Is de taak dan niet af, dan gaat de escalatie '${naam}' af: een melding aan de manager.${kind}`;
  }
  return 'De termijn op de werkvoorraad (zonder escalatie). Leeg: geen deadline.';
}

function valideer(element, tekst) {
  if (!(tekst || '').trim()) {
    return escalatieTimer(element) ? 'Deze taak heeft een escalatie en dus een deadline nodig.' : undefined;
  }
  return leesAantal(tekst).fout;
}

export function DeadlineAantalEntry({ element, id }) {
  const d = useDiensten();
  return h(TextFieldEntry, {
    element, id, label: 'Deadline', debounce: d.debounce,
    description: `Een aantal, bv. 7 (of typ "7 dagen" of "5 werkdagen"); de eenheid kiest u hieronder. `
      + `Werkdagen tellen zonder weekend en feestdagen. ${uitleg(element)}`,
    getValue: () => {
      const duur = uitIso(leesDeadline(element));
      return duur ? String(duur.aantal) : '';
    },
    setValue: (tekst) => {
      if (valideer(element, tekst)) {
        return;
      }
      if (!(tekst || '').trim()) {
        zetDeadline(element, '', d);
        return;
      }
      const { aantal, eenheid } = leesAantal(tekst);
      const huidig = uitIso(leesDeadline(element));
      zetDeadline(element, naarIso(aantal, eenheid || (huidig && huidig.eenheid) || 'dagen'), d);
    },
    validate: (tekst) => valideer(element, tekst),
  });
}

export function DeadlineEenheidEntry({ element, id }) {
  const d = useDiensten();
  return h(SelectEntry, {
    element, id, label: 'Eenheid van de deadline',
    getValue: () => {
      const duur = uitIso(leesDeadline(element));
      return duur ? duur.eenheid : 'dagen';
    },
    setValue: (eenheid) => {
      const duur = uitIso(leesDeadline(element));
      if (duur) {
        zetDeadline(element, naarIso(duur.aantal, eenheid), d);
      }
    },
    getOptions: () => EENHEDEN.map(({ value, label }) => ({ value, label })),
  });
}

/** What the advanced field holds as the engine stores it: an ISO 8601 duration (upper case) or werkdagen(N). */
function alsTerm(tekst) {
  const t = (tekst || '').trim();
  if (isWerkdagen(t.toLowerCase())) {
    const aantal = uitIso(t.toLowerCase()).aantal;
    return aantal >= 1 && aantal <= 9999 ? naarIso(aantal, 'werkdagen') : null;
  }
  const iso = t.toUpperCase();
  return isoDuur(iso) && !/^P[^T]*[YM]/.test(iso) ? iso : null;
}

/** "Gevorderd": the deadline as the engine stores it, editable for what a number and a unit cannot say (P1DT12H). */
export function DeadlineIsoEntry({ element, id }) {
  const d = useDiensten();
  return h(TextFieldEntry, {
    element, id, label: 'Deadline in ISO 8601', debounce: d.debounce,
    description: 'Zo slaat de engine de deadline op, bv. P7D (7 dagen), PT72H (72 uur), P2W (2 weken); '
      + 'werkdagen als werkdagen(5) (zonder weekend en feestdagen).',
    getValue: () => leesDeadline(element),
    setValue: (tekst) => {
      const term = alsTerm(tekst);
      if (!(tekst || '').trim() || term) {
        zetDeadline(element, term || '', d);
      }
    },
    validate: (tekst) => {
      if (!(tekst || '').trim()) {
        return escalatieTimer(element) ? 'Deze taak heeft een escalatie en dus een deadline nodig.' : undefined;
      }
      return alsTerm(tekst) ? undefined : 'Geen geldige ISO 8601-duur in weken, dagen of uren (bv. P7D), of werkdagen(5).';
    },
  });
}

/** On an escalation timer: where its time is set (the task), instead of a second field. */
export function EscalatieUitlegEntry({ element, id }) {
  const taak = taakVanEscalatie(element);
  const naam = getBusinessObject(taak).name || taak.id;
  const iso = leesDeadline(taak);
  return h('div', { class: 'bio-properties-panel-entry sr-eigenschappen__uitleg', 'data-entry-id': id },
    h('p', {}, `Deze timer is de deadline van de taak '${naam}': ${beschrijfDuur(iso) || 'nog niet ingevuld'}. `,
      'Wijzig de deadline op de taak zelf (kies de taak in het diagram).'));
}
