// form-js's date field (flatpickr with typing allowed) rolls an impossible date over without a
// word: "31-02-2026" silently becomes 3 March. This guard reads what was typed before flatpickr
// does (a capturing listener on the island, on leaving the field and on Enter): a date that does
// not exist stays as typed, gets a Dutch error under the field, and the form is not sent until it
// is corrected. It also shows the date placeholder in Dutch (dd-mm-jjjj).
const DATUM = /^\s*(\d{1,2})[-./](\d{1,2})[-./](\d{4})\s*$/;

/** Whether ``tekst`` (dd-mm-jjjj, also with / or .) is a day that exists. */
export function bestaandeDatum(tekst) {
  const deel = DATUM.exec(tekst || '');
  if (!deel) {
    return false;
  }
  const [dag, maand, jaar] = [Number(deel[1]), Number(deel[2]), Number(deel[3])];
  const datum = new Date(jaar, maand - 1, dag);
  return datum.getFullYear() === jaar && datum.getMonth() === maand - 1 && datum.getDate() === dag;
}

function isDatumveld(doel) {
  return doel instanceof HTMLInputElement && doel.closest('.fjs-datepicker') !== null;
}

function toonFout(invoer, tekst) {
  const veld = invoer.closest('.fjs-form-field') || invoer.parentElement;
  const id = `${invoer.id || 'datum'}-bestaat-niet`;
  let fout = veld.querySelector(`[id="${id}"]`);
  const beschreven = (invoer.getAttribute('aria-describedby') || '').split(' ').filter((d) => d && d !== id);
  if (!tekst) {
    fout?.remove();
    invoer.removeAttribute('aria-invalid');
    invoer.setAttribute('aria-describedby', beschreven.join(' '));
    return;
  }
  if (!fout) {
    fout = document.createElement('div');
    fout.id = id;
    fout.className = 'fjs-form-field-error sr-datumfout';
    veld.append(fout);
  }
  fout.textContent = tekst;
  invoer.setAttribute('aria-invalid', 'true');
  invoer.setAttribute('aria-describedby', [...beschreven, id].join(' '));
}

/**
 * Guard the date fields inside ``root``; returns ``{ ongeldig() }``: the date inputs whose text is
 * no existing date (the form must not be sent while there are any).
 *
 * flatpickr reads the typed text in several places (Enter, leaving the field, a click elsewhere
 * on the page); all of them go through its instance's ``parseDate``, so that is where the guard sits.
 */
export function bewaakDatums(root) {
  const ongeldig = new Set();
  function bewaak(invoer) {
    const kiezer = invoer._flatpickr;
    if (!kiezer || kiezer.srBewaakt) {
      return;
    }
    kiezer.srBewaakt = true;
    const lees = kiezer.parseDate;
    kiezer.parseDate = (waarde, ...rest) => {
      if (typeof waarde !== 'string') {
        return lees(waarde, ...rest); // a Date from the program, not what was typed
      }
      if (!waarde.trim() || bestaandeDatum(waarde)) {
        ongeldig.delete(invoer);
        toonFout(invoer, null);
        return lees(waarde, ...rest);
      }
      const tekst = waarde.trim();
      ongeldig.add(invoer);
      toonFout(invoer, `'${tekst}' is geen bestaande datum. Vul de datum in als dd-mm-jjjj, bijvoorbeeld 28-02-2026.`);
      setTimeout(() => {
        invoer.value = tekst; // flatpickr empties the field it could not read: keep what was typed
      });
      return undefined; // never another day
    };
  }
  const bewaakAlles = () => {
    for (const invoer of root.querySelectorAll('.fjs-datepicker input')) {
      bewaak(invoer);
      // form-js writes the placeholder in English letters (yyyy) whenever it renders the field.
      if (invoer.placeholder.includes('y')) {
        invoer.placeholder = invoer.placeholder.replace(/y/g, 'j');
      }
    }
  };
  bewaakAlles();
  new MutationObserver(bewaakAlles).observe(root, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['placeholder'],
  });
  root.addEventListener('focusin', (event) => isDatumveld(event.target) && bewaak(event.target), true);
  return {
    ongeldig() {
      // A date picked in the calendar afterwards replaces the text without a parse: look again.
      for (const invoer of ongeldig) {
        if (!invoer.isConnected || !invoer.value.trim() || bestaandeDatum(invoer.value)) {
          ongeldig.delete(invoer);
          toonFout(invoer, null);
        }
      }
      return [...ongeldig];
    },
  };
}
