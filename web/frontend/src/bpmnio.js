// Two things the bpmn.io libraries render in English, made Dutch without touching their code.
//
// The bpmn.io watermark (a link to https://bpmn.io): its licence asks that it stays fully visible
// and is not removed or changed in the libraries' source. It stays where the library draws it; we
// only give it a Dutch accessible name and take it out of the keyboard's tab order, so that it no
// longer sits, unnamed, between a form's last field and its button (a mouse still reaches it).
//
// form-js's custom select shows the fixed English text "Select" while nothing is chosen
// (form-js-viewer, not passed through `translate`): it becomes "Maak een keuze".
const LOGO = 'a.bjs-powered-by, a.fjs-powered-by-link';
const LOGO_NAAM = 'Gemaakt met bpmn.io (uitleg over de gebruikte software)';
const KEUZE_LEEG = '.fjs-select-display.fjs-select-placeholder';

function pasAan(wortel) {
  const logos = wortel.matches && wortel.matches(LOGO) ? [wortel] : [...wortel.querySelectorAll(LOGO)];
  for (const logo of logos) {
    if (logo.getAttribute('aria-label') !== LOGO_NAAM) {
      logo.setAttribute('aria-label', LOGO_NAAM);
      logo.setAttribute('title', LOGO_NAAM);
      logo.setAttribute('tabindex', '-1');
    }
  }
  for (const leeg of wortel.querySelectorAll(KEUZE_LEEG)) {
    // Change the text node itself: preact keeps that node and writes the chosen value into it later.
    const tekst = leeg.firstChild;
    if (tekst && tekst.nodeType === Node.TEXT_NODE && tekst.data === 'Select') {
      tekst.data = 'Maak een keuze';
    }
  }
}

/** Adjusts the watermark and the select placeholder in `container`, now and whenever the library re-renders. */
export function bpmnIoNederlands(container) {
  pasAan(container);
  let gepland = false;
  new MutationObserver(() => {
    if (!gepland) {
      gepland = true;
      queueMicrotask(() => {
        gepland = false;
        pasAan(container);
      });
    }
  }).observe(container, { childList: true, subtree: true, characterData: true });
}
