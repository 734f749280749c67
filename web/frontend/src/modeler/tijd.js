// ISO 8601 checks for the properties panel, as the engine reads times (isodate, datetime.fromisoformat).

const DUUR = /^P(?!$)(\d+(?:[.,]\d+)?Y)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?W)?(\d+(?:[.,]\d+)?D)?(T(?=\d)(\d+(?:[.,]\d+)?H)?(\d+(?:[.,]\d+)?M)?(\d+(?:[.,]\d+)?S)?)?$/;
const TIJDSTIP = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** `P5D`, `PT72H`, `P1DT12H`: an ISO 8601 duration. */
export function isoDuur(tekst) {
  return DUUR.test(tekst);
}

/** `2026-12-31T09:00:00+01:00`: an ISO 8601 date and time. */
export function isoTijdstip(tekst) {
  return TIJDSTIP.test(tekst) && !Number.isNaN(Date.parse(tekst));
}

/** `R/P14D`, `R3/PT1H` (optionally with a start: `R3/2026-01-01T00:00:00Z/PT1H`). */
export function isoCyclus(tekst) {
  const delen = tekst.split('/');
  if (delen.length < 2 || !/^R\d*$/.test(delen[0])) {
    return false;
  }
  return isoDuur(delen[delen.length - 1]);
}
