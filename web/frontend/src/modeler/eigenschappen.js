// The "Signaalroute" group of the properties panel: exactly what engine/definitions/validation.py reads.
//
//   user/manual task   spiffworkflow:property rol, formulier; the deadline (deadline.js: on the escalation
//                      timer when the task has one, else the `deadline` property); escalating to the
//                      manager on or off (escalatie.js: creates or removes that timer and its path)
//   none start event   spiffworkflow:property formulier
//   timer event        timeDuration | timeDate | timeCycle with a quoted Python string ("PT72H"),
//                      spiffworkflow:property actie (escalatie | terugkoppeling), cancelActivity
//   sequence flow      conditionExpression (a Python expression on the task data; voorwaardevelden.js)
//   business rule task spiffworkflow:calledDecisionId
//
// The choice lists (roles, forms, decisions) come from the `signaalroute` service, a plain
// object the editor registers: { rollen: [{sleutel, naam}], formulieren(): [id], beslissingen(): [id] }.
import {
  CheckboxEntry,
  isCheckboxEntryEdited,
  isSelectEntryEdited,
  isTextAreaEntryEdited,
  isTextFieldEntryEdited,
  SelectEntry,
  TextFieldEntry,
} from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import {
  DeadlineAantalEntry, DeadlineEenheidEntry, DeadlineIsoEntry, EscalatieUitlegEntry,
} from './deadline.js';
import { alsExpressie, isWerkdagen } from './duur.js';
import { EscalatieEntry, EscalatieModule } from './escalatie.js';
import {
  extensies, leesEigenschap, metParent, taakVanEscalatie, timerDefinitie, zetEigenschap, zonderAanhalingstekens, zorgVoorExtensies,
} from './extensies.js';
import { isoDuur, isoTijdstip, isoCyclus } from './tijd.js';
import { GegevenEntry, isEenvoudig, PythonEntry, SamengesteldEntry, SoortEntry, WaardeEntry } from './voorwaardevelden.js';

export { leesEigenschap, zonderAanhalingstekens };

const TIMER_SOORTEN = [
  { value: 'timeDuration', label: 'Na een duur (timeDuration)' },
  { value: 'timeDate', label: 'Op een tijdstip (timeDate)' },
  { value: 'timeCycle', label: 'Herhalend (timeCycle)' },
];

const ACTIES = [
  { value: '', label: '(geen)' },
  { value: 'escalatie', label: 'escalatie: melding aan de manager' },
  { value: 'terugkoppeling', label: 'terugkoppeling: taak voor de aandachtsfunctionaris' },
];

function useDiensten() {
  return {
    bpmnFactory: useService('bpmnFactory'),
    commandStack: useService('commandStack'),
    debounce: useService('debounceInput'),
    signaalroute: useService('signaalroute'),
  };
}

// --- the entries ---------------------------------------------------------------------------------

function RolEntry({ element, id }) {
  const d = useDiensten();
  return h(SelectEntry, {
    element, id, label: 'Rol',
    description: 'Wie de taak doet. Zonder rol geldt de rol van de baan (lane) waarin de taak ligt.',
    getValue: () => leesEigenschap(element, 'rol'),
    setValue: (waarde) => zetEigenschap(element, 'rol', waarde, d),
    getOptions: () => [{ value: '', label: '(rol van de baan)' },
      ...d.signaalroute.rollen.map((r) => ({ value: r.sleutel, label: `${r.naam} (${r.sleutel})` }))],
  });
}

function FormulierEntry({ element, id }) {
  const d = useDiensten();
  return h(SelectEntry, {
    element, id, label: 'Formulier',
    description: 'Een formulier uit het tabblad Formulieren (formulieren/<naam>.form.json).',
    getValue: () => leesEigenschap(element, 'formulier'),
    setValue: (waarde) => zetEigenschap(element, 'formulier', waarde, d),
    getOptions: () => {
      const huidig = leesEigenschap(element, 'formulier');
      const namen = d.signaalroute.formulieren();
      const opties = [{ value: '', label: '(geen formulier)' }, ...namen.map((n) => ({ value: n, label: n }))];
      if (huidig && !namen.includes(huidig)) {
        opties.push({ value: huidig, label: `${huidig} (bestaat niet)` });
      }
      return opties;
    },
  });
}

function timerSoort(definitie) {
  return TIMER_SOORTEN.map((s) => s.value).find((s) => definitie[s]) || 'timeDuration';
}

function TimerSoortEntry({ element, id }) {
  const commandStack = useService('commandStack');
  const bpmnFactory = useService('bpmnFactory');
  const definitie = timerDefinitie(element);
  return h(SelectEntry, {
    element, id, label: 'Soort timer',
    getValue: () => timerSoort(definitie),
    setValue: (soort) => {
      const oud = timerSoort(definitie);
      const expressie = definitie[oud] || metParent(bpmnFactory.create('bpmn:FormalExpression', { body: '"PT1H"' }), definitie);
      const properties = { timeDuration: undefined, timeDate: undefined, timeCycle: undefined, [soort]: expressie };
      commandStack.execute('element.updateModdleProperties', { element, moddleElement: definitie, properties });
    },
    getOptions: () => TIMER_SOORTEN,
  });
}

function TimerWaardeEntry({ element, id }) {
  const commandStack = useService('commandStack');
  const bpmnFactory = useService('bpmnFactory');
  const debounce = useService('debounceInput');
  const definitie = timerDefinitie(element);
  const soort = timerSoort(definitie);
  // A duration may also be working days: werkdagen(5), a call the sandbox runs (duur.js).
  const controle = { timeDuration: (t) => isoDuur(t) || isWerkdagen(t), timeDate: isoTijdstip, timeCycle: isoCyclus }[soort];
  const voorbeeld = { timeDuration: 'PT72H, P5D of werkdagen(5)', timeDate: '2026-12-31T09:00:00+01:00', timeCycle: 'R/P14D of R3/PT1H' }[soort];
  return h(TextFieldEntry, {
    element, id, label: 'Tijd', debounce,
    description: `ISO 8601, bv. ${voorbeeld}.`,
    getValue: () => zonderAanhalingstekens(definitie[soort] && definitie[soort].body),
    setValue: (waarde) => {
      const tekst = (waarde || '').trim();
      const body = tekst ? (soort === 'timeDuration' ? alsExpressie(tekst) : JSON.stringify(tekst)) : '';
      const bestaand = definitie[soort];
      if (bestaand) {
        commandStack.execute('element.updateModdleProperties', { element, moddleElement: bestaand, properties: { body } });
      } else {
        const expressie = metParent(bpmnFactory.create('bpmn:FormalExpression', { body }), definitie);
        commandStack.execute('element.updateModdleProperties', { element, moddleElement: definitie, properties: { [soort]: expressie } });
      }
    },
    validate: (waarde) => {
      const tekst = (waarde || '').trim();
      if (!tekst) {
        return 'Vul een tijd in.';
      }
      return controle(tekst) ? undefined : `Geen geldige ISO 8601-waarde voor deze soort timer (bv. ${voorbeeld}).`;
    },
  });
}

function ActieEntry({ element, id }) {
  const d = useDiensten();
  return h(SelectEntry, {
    element, id, label: 'Actie als de timer afgaat',
    description: 'escalatie: op een gebruikerstaak, niet onderbrekend. terugkoppeling: periodieke navraag.',
    getValue: () => leesEigenschap(element, 'actie'),
    setValue: (waarde) => zetEigenschap(element, 'actie', waarde, d),
    getOptions: () => ACTIES,
  });
}

function OnderbrekendEntry({ element, id }) {
  const modeling = useService('modeling');
  return h(CheckboxEntry, {
    element, id, label: 'Onderbrekend (breekt de taak af)',
    description: 'Een escalatietimer mag de taak niet afbreken: laat dit uit.',
    getValue: () => getBusinessObject(element).cancelActivity !== false,
    setValue: (waarde) => modeling.updateProperties(element, { cancelActivity: !!waarde }),
  });
}

function BeslissingEntry({ element, id }) {
  const d = useDiensten();
  const bo = getBusinessObject(element);
  const lees = () => {
    const gevonden = extensies(bo, 'spiffworkflow:CalledDecisionId')[0];
    return (gevonden && (gevonden.value || '').trim()) || '';
  };
  return h(SelectEntry, {
    element, id, label: 'Beslissing (DMN)',
    description: 'Het id van een beslissing uit het tabblad Beslistabellen.',
    getValue: lees,
    setValue: (waarde) => {
      const [opdrachten, ext] = zorgVoorExtensies(element, bo, d.bpmnFactory);
      const zonder = (ext.values || []).filter((v) => !is(v, 'spiffworkflow:CalledDecisionId'));
      const nieuw = waarde ? [metParent(d.bpmnFactory.create('spiffworkflow:CalledDecisionId', { value: waarde }), ext)] : [];
      opdrachten.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement: ext, properties: { values: [...zonder, ...nieuw] } } });
      d.commandStack.execute('properties-panel.multi-command-executor', opdrachten);
    },
    getOptions: () => {
      const ids = d.signaalroute.beslissingen();
      const huidig = lees();
      const opties = [{ value: '', label: '(geen beslissing)' }, ...ids.map((i) => ({ value: i, label: i }))];
      if (huidig && !ids.includes(huidig)) {
        opties.push({ value: huidig, label: `${huidig} (bestaat niet)` });
      }
      return opties;
    },
  });
}

// --- which entries an element gets ---------------------------------------------------------------

function ingangen(element) {
  const bo = getBusinessObject(element);
  const lijst = [];
  const voeg = (id, component, isEdited) => lijst.push({ id: `signaalroute-${id}`, element, component, isEdited });
  if (is(element, 'bpmn:UserTask') || is(element, 'bpmn:ManualTask')) {
    voeg('rol', RolEntry, isSelectEntryEdited);
    voeg('formulier', FormulierEntry, isSelectEntryEdited);
    voeg('deadline', DeadlineAantalEntry, isTextFieldEntryEdited);
    voeg('deadline-eenheid', DeadlineEenheidEntry, isSelectEntryEdited);
    voeg('escalatie', EscalatieEntry, isCheckboxEntryEdited);
  }
  if (is(element, 'bpmn:StartEvent') && !(bo.eventDefinitions || []).length) {
    voeg('formulier', FormulierEntry, isSelectEntryEdited);
  }
  if (is(element, 'bpmn:Event') && timerDefinitie(element)) {
    if (taakVanEscalatie(element)) {
      voeg('timer-deadline', EscalatieUitlegEntry, () => false);
    } else {
      voeg('timer-soort', TimerSoortEntry, isSelectEntryEdited);
      voeg('timer-waarde', TimerWaardeEntry, isTextFieldEntryEdited);
    }
    voeg('actie', ActieEntry, isSelectEntryEdited);
    if (is(element, 'bpmn:BoundaryEvent')) {
      voeg('onderbrekend', OnderbrekendEntry, isCheckboxEntryEdited);
    }
  }
  if (heeftVoorwaarde(element)) {
    if (isEenvoudig(element)) {
      voeg('voorwaarde-gegeven', GegevenEntry, isTextFieldEntryEdited);
      voeg('voorwaarde-soort', SoortEntry, isSelectEntryEdited);
      voeg('voorwaarde-waarde', WaardeEntry, () => false);
    } else {
      voeg('voorwaarde', SamengesteldEntry, () => false);
    }
  }
  if (is(element, 'bpmn:BusinessRuleTask')) {
    voeg('beslissing', BeslissingEntry, isSelectEntryEdited);
  }
  return lijst;
}

/** "Gevorderd": what the engine stores, for what the plain fields cannot say. */
function gevorderdeIngangen(element) {
  const lijst = [];
  if (is(element, 'bpmn:UserTask') || is(element, 'bpmn:ManualTask')) {
    lijst.push({ id: 'signaalroute-deadline-iso', element, component: DeadlineIsoEntry, isEdited: isTextFieldEntryEdited });
  }
  if (heeftVoorwaarde(element)) {
    lijst.push({ id: 'signaalroute-voorwaarde-python', element, component: PythonEntry, isEdited: isTextAreaEntryEdited });
  }
  return lijst;
}

function heeftVoorwaarde(element) {
  const bo = getBusinessObject(element);
  return is(element, 'bpmn:SequenceFlow') && bo.sourceRef && !is(bo.sourceRef, 'bpmn:ParallelGateway')
    && !is(bo.sourceRef, 'bpmn:EventBasedGateway');
}

class SignaalrouteEigenschappen {
  constructor(propertiesPanel, translate) {
    propertiesPanel.registerProvider(400, this);
    this.translate = translate;
  }

  getGroups(element) {
    return (groepen) => {
      // The BPMN provider's own "Timer" group repeats the timer in English and without our checks:
      // timers are set in the Signaalroute group (a task's deadline on the task itself).
      const zonder = groepen.filter((g) => g.id !== 'timer');
      const entries = ingangen(element);
      if (entries.length) {
        const na = zonder.findIndex((g) => g.id === 'general');
        zonder.splice(na + 1, 0, { id: 'signaalroute', label: 'Signaalroute', entries });
      }
      const gevorderd = gevorderdeIngangen(element);
      if (gevorderd.length) {
        zonder.push({ id: 'signaalroute-gevorderd', label: 'Gevorderd', entries: gevorderd });
      }
      // A group passes `translate` on to its own texts ("Toggle section", …); the BPMN provider does not set it.
      return zonder.map((g) => ({ ...g, translate: this.translate }));
    };
  }
}

SignaalrouteEigenschappen.$inject = ['propertiesPanel', 'translate'];

export const SignaalrouteEigenschappenModule = {
  __depends__: [EscalatieModule],
  __init__: ['signaalrouteEigenschappen'],
  signaalrouteEigenschappen: ['type', SignaalrouteEigenschappen],
};
