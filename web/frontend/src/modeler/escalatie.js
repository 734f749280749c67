// "Escaleren naar de manager": a checkbox on a task that creates or removes its escalation, the shape the
// shipped processes use (processes/signaal-naar-casus): a non-interrupting boundary timer with
// actie=escalatie whose time is the task's deadline, and a path to the end event "Geëscaleerd naar manager".
// When it fires the engine marks the task escalated and tells the manager of the municipality
// (engine/runtime/effects.py); the task stays with whoever has it. The engine escalates to the manager
// only, so there is no choice of role here.
//
// Turning it on moves the deadline from the task's `deadline` property onto the new timer; turning it off
// moves it back and removes the timer and its end event. Each is one step on the undo stack.
import { CheckboxEntry } from '@bpmn-io/properties-panel';
import { h } from '@bpmn-io/properties-panel/preact';
import { useService } from 'bpmn-js-properties-panel';
import { getBusinessObject, is } from 'bpmn-js/lib/util/ModelUtil';

import { leesDeadline } from './deadline.js';
import { alsExpressie, beschrijfDuur, minderjarigeTermijn } from './duur.js';
import { eigenschapOpdrachten, escalatieTimer, metParent, timerDefinitie } from './extensies.js';

const AAN = 'signaalroute.escalatie-aan';
const UIT = 'signaalroute.escalatie-uit';

/** Explanation on the timer, as on the shipped processes' escalations. */
function uitlegTekst(term) {
  return `Termijn voor deze taak: ${beschrijfDuur(term)}. Is de taak dan nog niet afgerond, dan krijgt de manager van `
    + 'de gemeente een melding en wordt de taak als geëscaleerd gemarkeerd; de taak blijft bij de behandelaar.';
}

/** An id like the shipped ones (deadline_verrijken), not yet used in the diagram. */
function vrijId(elementRegistry, basis) {
  const schoon = basis.replace(/[^A-Za-z0-9_]/g, '_');
  let id = schoon;
  for (let n = 2; elementRegistry.get(id); n += 1) {
    id = `${schoon}_${n}`;
  }
  return id;
}

class EscalatieAan {
  constructor(modeling, elementFactory, bpmnFactory, elementRegistry, commandStack) {
    Object.assign(this, { modeling, elementFactory, bpmnFactory, elementRegistry, commandStack });
  }

  preExecute(context) {
    const { taak, term } = context;
    const f = this.bpmnFactory;
    const kort = taak.id.replace(/^task_/, '');
    const naam = getBusinessObject(taak).name || taak.id;
    const bo = f.create('bpmn:BoundaryEvent', {
      id: vrijId(this.elementRegistry, `deadline_${kort}`), name: `Deadline '${naam}' verstreken`,
      cancelActivity: false,
    });
    const definitie = metParent(f.create('bpmn:TimerEventDefinition'), bo);
    definitie.timeDuration = metParent(f.create('bpmn:FormalExpression', { body: alsExpressie(term) }), definitie);
    bo.eventDefinitions = [definitie];
    const ext = metParent(f.create('bpmn:ExtensionElements', { values: [] }), bo);
    const lijst = metParent(f.create('spiffworkflow:Properties', { properties: [] }), ext);
    lijst.properties.push(metParent(f.create('spiffworkflow:Property', { name: 'actie', value: 'escalatie' }), lijst));
    ext.values.push(lijst);
    bo.extensionElements = ext;
    bo.documentation = [metParent(f.create('bpmn:Documentation', { text: uitlegTekst(term) }), bo)];

    const vorm = this.elementFactory.createShape({ type: 'bpmn:BoundaryEvent', businessObject: bo });
    // Laid out as the shipped escalations: the timer on the task's lower left, its name to its right,
    // the end event straight below it.
    const timer = this.modeling.createShape(vorm, { x: taak.x + 30, y: taak.y + taak.height }, taak, { attach: true });
    if (timer.label) {
      this.modeling.moveShape(timer.label, { x: timer.x + timer.width + 4 - timer.label.x, y: timer.y + timer.height + 3 - timer.label.y });
    }
    const einde = this.modeling.appendShape(timer, {
      type: 'bpmn:EndEvent',
      businessObject: f.create('bpmn:EndEvent', {
        id: vrijId(this.elementRegistry, `end_escalatie_${kort}`), name: 'Geëscaleerd naar manager',
      }),
    }, { x: timer.x + timer.width / 2, y: timer.y + timer.height / 2 + 70 }, taak.parent);
    const pijl = (einde.incoming || [])[0];
    if (pijl) {
      this.modeling.updateProperties(pijl, { id: vrijId(this.elementRegistry, `flow_deadline_${kort}_escalatie`) });
    }
    // One place: the deadline now lives on the timer.
    for (const { cmd, context: c } of eigenschapOpdrachten(taak, 'deadline', '', this.bpmnFactory)) {
      this.commandStack.execute(cmd, c);
    }
    context.timer = timer;
  }

  execute(context) {
    return [context.taak];
  }

  revert(context) {
    return [context.taak];
  }
}
EscalatieAan.$inject = ['modeling', 'elementFactory', 'bpmnFactory', 'elementRegistry', 'commandStack'];

class EscalatieUit {
  constructor(modeling, bpmnFactory, commandStack) {
    Object.assign(this, { modeling, bpmnFactory, commandStack });
  }

  preExecute(context) {
    const { taak, timer, term } = context;
    // The escalation's own path: end events reached only from the timer go with it.
    const weg = [timer];
    for (const pijl of timer.outgoing || []) {
      const doel = pijl.target;
      if (is(doel, 'bpmn:EndEvent') && (doel.incoming || []).length === 1) {
        weg.push(doel);
      }
    }
    this.modeling.removeElements(weg);
    for (const { cmd, context: c } of eigenschapOpdrachten(taak, 'deadline', term, this.bpmnFactory)) {
      this.commandStack.execute(cmd, c);
    }
  }

  execute(context) {
    return [context.taak];
  }

  revert(context) {
    return [context.taak];
  }
}
EscalatieUit.$inject = ['modeling', 'bpmnFactory', 'commandStack'];

function registreer(commandStack) {
  commandStack.registerHandler(AAN, EscalatieAan);
  commandStack.registerHandler(UIT, EscalatieUit);
}
registreer.$inject = ['commandStack'];

export const EscalatieModule = { __init__: [registreer] };

/** Turns the escalation of task `element` on or off (one undoable step). */
export function zetEscalatie(element, aan, commandStack) {
  const timer = escalatieTimer(element);
  const term = leesDeadline(element);
  if (aan && !timer && term) {
    commandStack.execute(AAN, { taak: element, term });
  } else if (!aan && timer) {
    commandStack.execute(UIT, { taak: element, timer, term });
  }
}

export function EscalatieEntry({ element, id }) {
  const commandStack = useService('commandStack');
  const timer = escalatieTimer(element);
  const term = leesDeadline(element);
  let description;
  if (timer) {
    const definitie = timerDefinitie(timer);
    const kind = minderjarigeTermijn(definitie && definitie.timeDuration && definitie.timeDuration.body);
    description = `Na ${beschrijfDuur(term) || 'de deadline'} krijgt de manager van de gemeente een melding en wordt de taak `
      + `als geëscaleerd gemarkeerd; de taak blijft bij de behandelaar.${kind ? ' Uitzetten vergeet de kortere termijn bij een minderjarige.' : ''}`;
  } else {
    description = term
      ? `Aanzetten: na ${beschrijfDuur(term)} (de deadline) een melding aan de manager van de gemeente. De timer en het pad `
        + '"Geëscaleerd naar manager" komen dan in het diagram.'
      : 'Vul eerst een deadline in: daarna kan de taak na die termijn escaleren naar de manager.';
  }
  return h(CheckboxEntry, {
    element, id, label: 'Escaleren naar de manager als de deadline verstrijkt', description,
    disabled: !timer && !term,
    getValue: () => !!escalatieTimer(element),
    setValue: (aan) => zetEscalatie(element, !!aan, commandStack),
  });
}
