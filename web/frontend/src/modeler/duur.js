// A deadline as a process owner writes it — a number and a unit ("7 dagen", "72 uur", "2 weken") —
// and as the engine reads it: an ISO 8601 duration (P7D, PT72H, P2W) on the escalation timer or
// in the task's `deadline` property. No imports: tests/web/test_modeler__duration.py runs it in node.
//
// Working days are not offered: the engine's timers (SpiffWorkflow) count calendar time only.

export const EENHEDEN = [
  { value: 'uren', label: 'uren', iso: (n) => `PT${n}H`, een: 'uur', meer: 'uur' },
  { value: 'dagen', label: 'dagen', iso: (n) => `P${n}D`, een: 'dag', meer: 'dagen' },
  { value: 'weken', label: 'weken', iso: (n) => `P${n}W`, een: 'week', meer: 'weken' },
];

const WOORDEN = {
  u: 'uren', uur: 'uren', uren: 'uren', h: 'uren',
  d: 'dagen', dag: 'dagen', dagen: 'dagen',
  w: 'weken', wk: 'weken', week: 'weken', weken: 'weken',
};

const eenheid = (naam) => EENHEDEN.find((e) => e.value === naam);

/** {aantal, eenheid} → ISO 8601 (`7`, `dagen` → `P7D`). */
export function naarIso(aantal, naam) {
  return eenheid(naam).iso(aantal);
}

/** ISO 8601 → {aantal, eenheid}, or null when it is no whole number of hours, days or weeks. */
export function uitIso(iso) {
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

/** `P7D` → "7 dagen", `PT1H` → "1 uur", `P2W` → "2 weken"; other durations as they are. */
export function beschrijfDuur(iso) {
  const duur = uitIso(iso);
  if (!duur) {
    return (iso || '').trim();
  }
  const e = eenheid(duur.eenheid);
  return `${duur.aantal} ${duur.aantal === 1 ? e.een : e.meer}`;
}

/**
 * What someone typed in the number field: "7", "7 dagen", "72 uur", "2 weken", "1 week".
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
  if (m[2] === 'werkdag' || m[2] === 'werkdagen') {
    return { fout: 'Werkdagen kan de engine niet tellen; gebruik dagen of weken (5 werkdagen is 1 week).' };
  }
  const naam = WOORDEN[m[2]];
  return naam ? { aantal, eenheid: naam } : { fout: `Onbekende eenheid '${m[2]}': gebruik uren, dagen of weken.` };
}

// A deadline that is shorter for a minor (the route's rule for minderjarige = ja) is a conditional
// expression on the timer: `"P1D" if minderjarige == "ja" else "P5D"`. The task's deadline field edits
// the usual term and keeps the minor's; anything else stays in "Gevorderd".
const MINDERJARIG = /^\s*"([^"]+)"\s+if\s+minderjarige\s*==\s*"ja"\s+else\s+"([^"]+)"\s*$/;

/** `"P1D" if minderjarige == "ja" else "P5D"` → {minderjarig: 'P1D', gewoon: 'P5D'}; anything else → null. */
export function minderjarigeTermijn(body) {
  const m = MINDERJARIG.exec(body || '');
  return m ? { minderjarig: m[1], gewoon: m[2] } : null;
}

/** The timer expression for `gewoon` with the minor's term `minderjarig` kept. */
export function metMinderjarigeTermijn(minderjarig, gewoon) {
  return `"${minderjarig}" if minderjarige == "ja" else "${gewoon}"`;
}
