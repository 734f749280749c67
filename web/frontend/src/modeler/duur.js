// A deadline as a process owner writes it — a number and a unit ("7 dagen", "72 uur", "5 werkdagen",
// "2 weken") — and as the engine reads it (a "term" below): an ISO 8601 duration (P7D, PT72H, P2W), or
// for working days `werkdagen(5)`, on the escalation timer (as an expression: "P7D" quoted, werkdagen(5)
// a call the sandbox runs) or in the task's `deadline` property (as it is; the engine parses it).
// Working days skip weekends and Dutch public holidays (engine/domain/working_days.py).
// No imports: tests/web/test_modeler__values.py runs it in node.

export const EENHEDEN = [
  { value: 'uren', label: 'uren', iso: (n) => `PT${n}H`, een: 'uur', meer: 'uur' },
  { value: 'dagen', label: 'dagen', iso: (n) => `P${n}D`, een: 'dag', meer: 'dagen' },
  { value: 'werkdagen', label: 'werkdagen', iso: (n) => `werkdagen(${n})`, een: 'werkdag', meer: 'werkdagen' },
  { value: 'weken', label: 'weken', iso: (n) => `P${n}W`, een: 'week', meer: 'weken' },
];

const WOORDEN = {
  u: 'uren', uur: 'uren', uren: 'uren', h: 'uren',
  d: 'dagen', dag: 'dagen', dagen: 'dagen',
  wd: 'werkdagen', werkdag: 'werkdagen', werkdagen: 'werkdagen',
  w: 'weken', wk: 'weken', week: 'weken', weken: 'weken',
};

const WERKDAGEN = /^werkdagen\(\s*(\d+)\s*\)$/;

/** A term in working days (`werkdagen(5)`)? */
export function isWerkdagen(term) {
  return WERKDAGEN.test((term || '').trim());
}

/** A term as a timer expression: `"P7D"` (a quoted string), `werkdagen(5)` (a call the sandbox runs). */
export function alsExpressie(term) {
  return isWerkdagen(term) ? term.trim() : JSON.stringify(term);
}

const eenheid = (naam) => EENHEDEN.find((e) => e.value === naam);

/** {aantal, eenheid} → ISO 8601 (`7`, `dagen` → `P7D`). */
export function naarIso(aantal, naam) {
  return eenheid(naam).iso(aantal);
}

/** A term → {aantal, eenheid}, or null when it is no whole number of hours, days, working days or weeks. */
export function uitIso(iso) {
  const wd = WERKDAGEN.exec((iso || '').trim());
  if (wd) {
    return { aantal: Number(wd[1]), eenheid: 'werkdagen' };
  }
  const m = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?)?$/.exec((iso || '').trim());
  if (!m || (!m[1] && !m[2] && !m[3]) || /T$/.test(iso.trim())) {
    return null;
  }
  const [weken, dagen, uren] = [m[1], m[2], m[3]].map((x) => Number(x || 0));
  if (m[1] && !m[2] && !m[3]) {
    return { aantal: weken, eenheid: 'weken' };
  }
  if (!m[3]) {
    return { aantal: weken * 7 + dagen, eenheid: 'dagen' };
  }
  return { aantal: (weken * 7 + dagen) * 24 + uren, eenheid: 'uren' };
}

/** `P7D` → "7 dagen", `PT1H` → "1 uur", `werkdagen(5)` → "5 werkdagen", `P2W` → "2 weken"; others as they are. */
export function beschrijfDuur(iso) {
  const duur = uitIso(iso);
  if (!duur) {
    return (iso || '').trim();
  }
  const e = eenheid(duur.eenheid);
  return `${duur.aantal} ${duur.aantal === 1 ? e.een : e.meer}`;
}

/**
 * What someone typed in the number field: "7", "7 dagen", "72 uur", "5 werkdagen", "2 weken", "1 week".
 * Returns {aantal, eenheid} (eenheid null when only a number was typed) or {fout}.
 */
export function leesAantal(tekst) {
  const t = (tekst || '').trim().toLowerCase();
  const m = /^(\d+)\s*([a-z]*)\.?$/.exec(t);
  if (!m) {
    return { fout: 'Vul een heel getal in, bv. 7 (of "7 dagen").' };
  }
  const aantal = Number(m[1]);
  if (aantal < 1 || aantal > 9999) {
    return { fout: 'Vul een getal van 1 tot en met 9999 in.' };
  }
  if (!m[2]) {
    return { aantal, eenheid: null };
  }
  const naam = WOORDEN[m[2]];
  return naam ? { aantal, eenheid: naam } : { fout: `Onbekende eenheid '${m[2]}': gebruik uren, dagen, werkdagen of weken.` };
}

// A deadline that is shorter for a minor (the route's rule for minderjarige = ja) is a conditional
// expression on the timer: `"P1D" if minderjarige == "ja" else "P5D"` (either term may be werkdagen(N)).
// The task's deadline field edits the usual term and keeps the minor's; anything else stays in "Gevorderd".
const TERM = '(?:"([^"]+)"|(werkdagen\\(\\s*\\d+\\s*\\)))';
const MINDERJARIG = new RegExp(`^\\s*${TERM}\\s+if\\s+minderjarige\\s*==\\s*"ja"\\s+else\\s+${TERM}\\s*$`);

/** `"P1D" if minderjarige == "ja" else "P5D"` → {minderjarig: 'P1D', gewoon: 'P5D'}; anything else → null. */
export function minderjarigeTermijn(body) {
  const m = MINDERJARIG.exec(body || '');
  return m ? { minderjarig: m[1] || m[2], gewoon: m[3] || m[4] } : null;
}

/** The timer expression for `gewoon` with the minor's term `minderjarig` kept. */
export function metMinderjarigeTermijn(minderjarig, gewoon) {
  return `${alsExpressie(minderjarig)} if minderjarige == "ja" else ${alsExpressie(gewoon)}`;
}
