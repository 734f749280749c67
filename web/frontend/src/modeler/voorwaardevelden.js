// The properties panel's fields for an arrow's condition (voorwaarde.js): the simple form as
// "Als het gegeven … gelijk is aan …" in the Signaalroute group, the Python expression itself in
// "Gevorderd" (for anything the simple form cannot say).
import { SelectEntry, TextAreaEntry, TextFieldEntry } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject } from 'bpmn-js/lib/util/ModelUtil';

import { metParent } from './extensies.js';
import { GEGEVEN, maakVoorwaarde, ontleedVoorwaarde } from './voorwaarde.js';

function huidig(element) {
  const bo = getBusinessObject(element);
  return (bo.conditionExpression && bo.conditionExpression.body) || '';
}

function zetVoorwaarde(element, tekst, { bpmnFactory, commandStack }) {
  const bo = getBusinessObject(element);
  const body = (tekst || '').trim();
  const expressie = body ? metParent(bpmnFactory.create('bpmn:FormalExpression', { body }), bo) : undefined;
  commandStack.execute('element.updateModdleProperties', { element, moddleElement: bo, properties: { conditionExpression: expressie } });
}

function useDiensten() {
  return { bpmnFactory: useService('bpmnFactory'), commandStack: useService('commandStack'), debounce: useService('debounceInput') };
}

function wijzig(element, d, deel) {
  const nu = ontleedVoorwaarde(huidig(element));
  if (nu) {
    zetVoorwaarde(element, maakVoorwaarde({ ...nu, ...deel }), d);
  }
}

export function GegevenEntry({ element, id }) {
  const d = useDiensten();
  return h(TextFieldEntry, {
    element, id, label: 'Voorwaarde: als het gegeven', debounce: d.debounce,
    description: 'De sleutel van een formulierveld, bv. acute_nood. Leeg: geen voorwaarde.',
    getValue: () => ontleedVoorwaarde(huidig(element)).gegeven,
    setValue: (tekst) => {
      if (!tekst || GEGEVEN.test(tekst.trim())) {
        wijzig(element, d, { gegeven: (tekst || '').trim() });
      }
    },
    validate: (tekst) => (tekst && !GEGEVEN.test(tekst.trim())
      ? 'Een sleutel heeft letters, cijfers en _ en begint met een letter (bv. acute_nood).' : undefined),
  });
}

export function SoortEntry({ element, id }) {
  const d = useDiensten();
  return h(SelectEntry, {
    element, id, label: 'soort waarde',
    getValue: () => ontleedVoorwaarde(huidig(element)).soort,
    setValue: (soort) => wijzig(element, d, { soort, waarde: soort === 'janee' ? 'ja' : '' }),
    getOptions: () => [{ value: 'janee', label: 'ja/nee' }, { value: 'tekst', label: 'tekst' }],
  });
}

export function WaardeEntry({ element, id }) {
  const d = useDiensten();
  const soort = ontleedVoorwaarde(huidig(element)).soort;
  if (soort === 'janee') {
    return h(SelectEntry, {
      element, id, label: 'gelijk is aan',
      getValue: () => ontleedVoorwaarde(huidig(element)).waarde,
      setValue: (waarde) => wijzig(element, d, { waarde }),
      getOptions: () => [{ value: 'ja', label: 'ja' }, { value: 'nee', label: 'nee' }],
    });
  }
  return h(TextFieldEntry, {
    element, id, label: 'gelijk is aan', debounce: d.debounce,
    description: 'Zoals in het formulier gekozen, bv. zorgtraject.',
    getValue: () => ontleedVoorwaarde(huidig(element)).waarde,
    setValue: (waarde) => wijzig(element, d, { waarde }),
  });
}

/** A condition the simple fields cannot show: said so, in the Signaalroute group. */
export function SamengesteldEntry({ element, id }) {
  return h('div', { class: 'bio-properties-panel-entry sr-eigenschappen__uitleg', 'data-entry-id': id },
    h('p', {}, 'Deze voorwaarde is samengesteld: ', h('code', {}, huidig(element)), '. Wijzig haar onder Gevorderd.'));
}

export function PythonEntry({ element, id }) {
  const d = useDiensten();
  return h(TextAreaEntry, {
    element, id, label: 'Voorwaarde (Python-expressie)', debounce: d.debounce, rows: 2,
    description: 'Op de gegevens van de taak, bv. route == "zorgtraject". Leeg: geen voorwaarde.',
    getValue: () => huidig(element),
    setValue: (tekst) => zetVoorwaarde(element, tekst, d),
  });
}

/** Whether the condition of `element` fits the simple fields. */
export function isEenvoudig(element) {
  return ontleedVoorwaarde(huidig(element)) !== null;
}
