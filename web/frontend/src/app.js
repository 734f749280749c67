// Signaalroute — the JavaScript islands of the server-rendered pages.
//
// On DOMContentLoaded every `.sr-formulier` (form-js form) and `.sr-diagram`
// (bpmn-js process diagram) is enhanced, and `data-bevestig` asks before acting.
// Each island gets data-sr-klaar="ja" once it works, or "fout" when it could not
// be built (its message is then shown in the element, or the fallback content stays).
// window.Signaalroute.verrijk(element) enhances islands added to the page later.
import { bevestigingen } from './bevestig.js';
import { bpmnIoNederlands } from './bpmnio.js';
import { diagramEiland } from './diagram.js';
import { formulierEiland } from './formulier.js';
import { grafiekEiland } from './grafiek.js';
import { hittekaartEiland } from './hittekaart.js';
import { maak } from './hulp.js';
import { naspelenEiland } from './naspelen.js';

const eilanden = [
  ['.sr-formulier', formulierEiland],
  ['.sr-diagram', diagramEiland],
  ['.sr-grafiek', grafiekEiland],
  ['.sr-hittekaart', hittekaartEiland],
  ['.sr-naspelen', naspelenEiland], // 'Wat verandert er?' (web/modeler/impact.py)
];

const gedaan = new WeakSet();

function meldFout(el, fout) {
  console.error('Signaalroute: onderdeel niet geladen', el, fout);
  if (el.classList.contains('sr-formulier') && !el.querySelector('.sr-formulier__velden')) {
    el.prepend(
      maak(
        'div',
        { class: 'utrecht-alert utrecht-alert--error sr-melding sr-melding--fout', role: 'alert' },
        maak('p', { class: 'utrecht-paragraph' }, 'Het formulier kan niet worden getoond. Laad de pagina opnieuw of probeer het later nog eens.'),
      ),
    );
  }
}

export function verrijk(wortel = document) {
  const taken = [];
  for (const [selector, bouw] of eilanden) {
    const gevonden = wortel.matches?.(selector) ? [wortel] : [...wortel.querySelectorAll(selector)];
    for (const el of gevonden) {
      if (gedaan.has(el)) {
        continue;
      }
      gedaan.add(el);
      el.dataset.srKlaar = 'bezig';
      taken.push(
        Promise.resolve()
          .then(() => bouw(el))
          .then(
            () => {
              el.dataset.srKlaar = 'ja';
            },
            (fout) => {
              el.dataset.srKlaar = 'fout';
              if (!el.classList.contains('sr-diagram')) {
                meldFout(el, fout);
              }
            },
          ),
      );
    }
  }
  return Promise.all(taken);
}

function start() {
  bpmnIoNederlands(document.body); // the bpmn.io watermark and form-js's "Select", in every island
  bevestigingen(document);
  verrijk(document);
}

window.Signaalroute = { verrijk };

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', start, { once: true });
} else {
  start();
}
