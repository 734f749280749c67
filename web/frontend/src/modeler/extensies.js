// Reading and writing what the engine reads on a BPMN element (engine/definitions/validation.py):
// spiffworkflow:property values and the timer of a boundary event, as properties-panel commands.
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

export function extensies(bo, type) {
  return ((bo.extensionElements && bo.extensionElements.values) || []).filter((v) => is(v, type));
}

export function leesEigenschap(element, naam) {
  const bo = getBusinessObject(element);
  for (const lijst of extensies(bo, 'spiffworkflow:Properties')) {
    const gevonden = (lijst.properties || []).find((p) => p.name === naam);
    if (gevonden) {
      return gevonden.value || '';
    }
  }
  return '';
}

export function metParent(moddleElement, parent) {
  moddleElement.$parent = parent;
  return moddleElement;
}

/** The commands that make sure `bo` has extensionElements; returns [commands, extensionElements]. */
export function zorgVoorExtensies(element, bo, bpmnFactory) {
  if (bo.extensionElements) {
    return [[], bo.extensionElements];
  }
  const ext = metParent(bpmnFactory.create('bpmn:ExtensionElements', { values: [] }), bo);
  return [[{ cmd: 'element.updateModdleProperties', context: { element, moddleElement: bo, properties: { extensionElements: ext } } }], ext];
}

/** The commands that set spiffworkflow:property `naam` of `element` to `waarde` (removed when empty). */
export function eigenschapOpdrachten(element, naam, waarde, bpmnFactory) {
  const bo = getBusinessObject(element);
  let lijst = extensies(bo, 'spiffworkflow:Properties')[0];
  const bestaand = lijst && (lijst.properties || []).find((p) => p.name === naam);
  if (!waarde) {
    return bestaand ? [{
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: lijst, properties: { properties: lijst.properties.filter((p) => p !== bestaand) } },
    }] : [];
  }
  if (bestaand) {
    return [{ cmd: 'element.updateModdleProperties', context: { element, moddleElement: bestaand, properties: { value: waarde } } }];
  }
  const [opdrachten, ext] = zorgVoorExtensies(element, bo, bpmnFactory);
  if (!lijst) {
    lijst = metParent(bpmnFactory.create('spiffworkflow:Properties', { properties: [] }), ext);
    opdrachten.push({
      cmd: 'element.updateModdleProperties',
      context: { element, moddleElement: ext, properties: { values: [...(ext.values || []), lijst] } },
    });
  }
  const nieuw = metParent(bpmnFactory.create('spiffworkflow:Property', { name: naam, value: waarde }), lijst);
  opdrachten.push({
    cmd: 'element.updateModdleProperties',
    context: { element, moddleElement: lijst, properties: { properties: [...(lijst.properties || []), nieuw] } },
  });
  return opdrachten;
}

export function voerUit(commandStack, opdrachten) {
  if (opdrachten.length) {
    commandStack.execute('properties-panel.multi-command-executor', opdrachten);
  }
}

export function zetEigenschap(element, naam, waarde, { bpmnFactory, commandStack }) {
  voerUit(commandStack, eigenschapOpdrachten(element, naam, waarde, bpmnFactory));
}

export function timerDefinitie(element) {
  const bo = getBusinessObject(element);
  return (bo.eventDefinitions || []).find((e) => is(e, 'bpmn:TimerEventDefinition'));
}

/** `"PT72H"` → `PT72H`; anything else (an expression) is shown as it is. */
export function zonderAanhalingstekens(tekst) {
  const t = (tekst || '').trim();
  const m = /^(["'])(.*)\1$/.exec(t);
  return m ? m[2] : t;
}

/** The escalation timer on task `element` (a boundary timer with actie=escalatie), or undefined. */
export function escalatieTimer(element) {
  return (element.attachers || []).find((a) => is(a, 'bpmn:BoundaryEvent') && timerDefinitie(a)
    && leesEigenschap(a, 'actie') === 'escalatie');
}

/** The task a boundary timer that escalates belongs to (it is that task's deadline), or undefined. */
export function taakVanEscalatie(element) {
  return is(element, 'bpmn:BoundaryEvent') && element.host && escalatieTimer(element.host) === element ? element.host : undefined;
}
