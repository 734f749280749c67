// An arrow's condition as a process owner writes it: "als <gegeven> gelijk is aan ja / nee / <tekst>",
// and as the engine reads it, a Python expression: `acute_nood == True`, `route == "riec"`.
// Only that simple form is shown as fields; any other expression stays Python (the "Gevorderd"
// group). No imports: tests/web/test_modeler__values.py runs it in node.

const EENVOUDIG = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*==\s*(True|False|"([^"\\\n]*)"|'([^'\\\n]*)')\s*$/;
export const GEGEVEN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `acute_nood == True` → {gegeven: 'acute_nood', soort: 'janee', waarde: 'ja'};
 * `route == "riec"` → {gegeven: 'route', soort: 'tekst', waarde: 'riec'};
 * '' → {gegeven: '', soort: 'janee', waarde: 'ja'} (no condition yet); anything else → null.
 */
export function ontleedVoorwaarde(body) {
  const tekst = (body || '').trim();
  if (!tekst) {
    return { gegeven: '', soort: 'janee', waarde: 'ja' };
  }
  const m = EENVOUDIG.exec(tekst);
  if (!m) {
    return null;
  }
  if (m[2] === 'True' || m[2] === 'False') {
    return { gegeven: m[1], soort: 'janee', waarde: m[2] === 'True' ? 'ja' : 'nee' };
  }
  return { gegeven: m[1], soort: 'tekst', waarde: m[3] !== undefined ? m[3] : m[4] };
}

/** The Python expression for {gegeven, soort, waarde}; '' (no condition) without a gegeven. */
export function maakVoorwaarde({ gegeven, soort, waarde }) {
  const naam = (gegeven || '').trim();
  if (!naam) {
    return '';
  }
  if (soort === 'janee') {
    return `${naam} == ${waarde === 'nee' ? 'False' : 'True'}`;
  }
  return `${naam} == ${JSON.stringify((waarde || '').trim())}`;
}
