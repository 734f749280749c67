// bpmnlint in the browser: modelling mistakes as warnings, live after each change.
//
// bpmnlint's own rules where they exist, two small rules of our own for the rest; the
// resolver hands the linter the imported rule modules (no bpmnlint pack step).
import Linter from 'bpmnlint/lib/linter';
import endEventRequired from 'bpmnlint/rules/end-event-required';
import noDisconnected from 'bpmnlint/rules/no-disconnected';
import startEventRequired from 'bpmnlint/rules/start-event-required';
import { is } from 'bpmn-js/lib/util/ModelUtil';

function heeftVoorwaarde(flow) {
  return !!(flow.conditionExpression && (flow.conditionExpression.body || '').trim());
}

/** An exclusive gateway that splits on conditions needs a default flow (or a DMN with no match stalls). */
function standaardpad() {
  return {
    check(node, reporter) {
      if (!is(node, 'bpmn:ExclusiveGateway') && !is(node, 'bpmn:InclusiveGateway')) {
        return;
      }
      const uit = node.outgoing || [];
      if (uit.length > 1 && uit.some(heeftVoorwaarde) && !node.default) {
        reporter.report(node.id, 'Gateway met voorwaarden heeft geen standaardpad: maak een uitgaande pijl het standaardpad (moersleutel bij de pijl, "Standaardpad").');
      }
    },
  };
}

/** A flow with a condition says in its name when it is taken ("ja", "zorgtraject"). */
function voorwaardeZonderNaam() {
  return {
    check(node, reporter) {
      if (is(node, 'bpmn:SequenceFlow') && heeftVoorwaarde(node) && !(node.name || '').trim()) {
        reporter.report(node.id, 'Pijl met een voorwaarde heeft geen naam: geef hem een naam die de voorwaarde uitlegt.');
      }
    },
  };
}

const REGELS = {
  'end-event-required': endEventRequired,
  'start-event-required': startEventRequired,
  'no-disconnected': noDisconnected,
  standaardpad,
  'voorwaarde-zonder-naam': voorwaardeZonderNaam,
};

// bpmnlint's own messages are English: ours, per rule.
const BERICHTEN = {
  'end-event-required': 'Het proces heeft geen eindgebeurtenis.',
  'start-event-required': 'Het proces heeft geen startgebeurtenis.',
  'no-disconnected': 'Dit element is met niets verbonden.',
};

const CONFIG = {
  rules: {
    'end-event-required': 'warn',
    'start-event-required': 'warn',
    'no-disconnected': 'warn',
    'signaalroute/standaardpad': 'warn',
    'signaalroute/voorwaarde-zonder-naam': 'warn',
  },
};

const resolver = {
  resolveRule(pkg, regel) {
    const gevonden = REGELS[regel];
    if (!gevonden) {
      throw new Error(`onbekende lintregel ${pkg}/${regel}`);
    }
    return gevonden;
  },
  resolveConfig() {
    return CONFIG;
  },
};

const linter = new Linter({ config: CONFIG, resolver });

/**
 * Lint moddle `definitions`.
 *
 * @returns {Promise<Array<{regel: string, element: string, bericht: string}>>}
 */
export async function controleer(definitions) {
  const uitslag = await linter.lint(definitions);
  const lijst = [];
  for (const [regel, meldingen] of Object.entries(uitslag)) {
    const kort = regel.replace(/^signaalroute\//, '');
    for (const melding of meldingen) {
      lijst.push({ regel: kort, element: melding.id, bericht: BERICHTEN[kort] || melding.message });
    }
  }
  return lijst;
}
