// A `translate` service for the bpmn.io editors from a table of Dutch texts: bpmn-js, its
// properties panel and dmn-js pass every text they show through `translate(template, replacements)`.
// Texts not in the table stay as they are (English); tests/browser/test_modeler__dutch.py walks
// the editors and fails on the English words a process owner would otherwise meet.

export function maakVertaler(teksten) {
  return function translate(sjabloon, vervangingen = {}) {
    const tekst = Object.prototype.hasOwnProperty.call(teksten, sjabloon) ? teksten[sjabloon] : sjabloon;
    return String(tekst).replace(/{([^}]+)}/g, (_, sleutel) => (
      Object.prototype.hasOwnProperty.call(vervangingen, sleutel) ? String(vervangingen[sleutel]) : `{${sleutel}}`));
  };
}

/** A didi module that replaces an editor's `translate` service. */
export function vertaalModule(teksten) {
  return { translate: ['value', maakVertaler(teksten)] };
}
