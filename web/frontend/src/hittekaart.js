// Heat map island: the process diagram with, per step, how many cases wait there and how long.
//
// <div class="sr-hittekaart" data-xml-url="/overzicht/processen/signaal-naar-casus/diagram.bpmn"
//      data-stappen='[{"bpmn_id": "task_verrijken", "naam": "Signaal verrijken", "wachtend": 12,
//                      "wacht_mediaan_s": 86400, "doorloop_mediaan_s": 172800, "intensiteit": 1.0}, …]'
//      aria-label="…"></div>
//
// Each step gets a marker sr-hitte-0 … sr-hitte-4 (colour by how many wait, relative to the
// busiest step) and an overlay with the count and the median wait. Ids not in the diagram are
// ignored (the table on the page lists every step).
import { laadDiagram } from './diagram.js';
import { leesJson, maak } from './hulp.js';

export function duur(seconden) {
  if (seconden === null || seconden === undefined) {
    return '—';
  }
  const s = Math.abs(Number(seconden));
  const dagen = Math.floor(s / 86400);
  const uren = Math.floor((s % 86400) / 3600);
  if (dagen) {
    return `${dagen} d ${uren} u`;
  }
  return uren ? `${uren} u ${Math.floor((s % 3600) / 60)} min` : `${Math.floor(s / 60)} min`;
}

export function niveau(intensiteit, wachtend) {
  if (!wachtend) {
    return 0;
  }
  return Math.min(4, 1 + Math.floor(Number(intensiteit) * 3.999));
}

export async function hittekaartEiland(el) {
  const stappen = leesJson(el, 'stappen', []);
  if (!el.hasAttribute('role')) {
    el.setAttribute('role', 'figure');
  }
  const viewer = await laadDiagram(
    el,
    el.dataset.xmlUrl,
    'Het procesdiagram kan niet worden getoond; de tabel hieronder geeft dezelfde cijfers.',
  );
  const canvasEl = el.querySelector('.sr-diagram__canvas');
  const canvas = viewer.get('canvas');
  const register = viewer.get('elementRegistry');
  const overlays = viewer.get('overlays');
  const getoond = [];
  for (const stap of stappen) {
    const element = register.get(stap.bpmn_id);
    if (!element || element.type === 'label') {
      continue;
    }
    canvas.addMarker(element, `sr-hitte-${niveau(stap.intensiteit, stap.wachtend)}`);
    overlays.add(element, 'sr-hitte', {
      position: { bottom: 6, left: -6 },
      html: maak(
        'div',
        { class: `sr-hitte-label sr-hitte-label--${niveau(stap.intensiteit, stap.wachtend)}`, 'aria-hidden': 'true' },
        `${stap.wachtend} wachten · ${duur(stap.wacht_mediaan_s)}`,
      ),
    });
    getoond.push(stap);
  }
  canvas.zoom('fit-viewport', 'auto');

  const legenda = maak(
    'div',
    { class: 'sr-diagram__legenda sr-hitte-legenda' },
    maak('p', {}, 'Kleur: hoeveel signalen er wachten, van geen (wit) tot de drukste stap (donkerrood). Label: aantal wachtend · mediane wachttijd.'),
    ...[0, 1, 2, 3, 4].map((n) =>
      maak('span', { class: 'sr-hitte-staal' }, maak('span', { class: `sr-diagram__staal sr-hitte-${n}-staal`, 'aria-hidden': 'true' }), ['geen', 'weinig', 'enkele', 'veel', 'drukst'][n]),
    ),
  );
  const svg = canvasEl.querySelector('svg');
  if (svg) {
    svg.setAttribute('role', 'img');
    const drukste = [...getoond].sort((a, b) => b.wachtend - a.wachtend)[0];
    svg.setAttribute(
      'aria-label',
      `${el.getAttribute('aria-label') || 'Procesdiagram'}.` +
        (drukste && drukste.wachtend ? ` Drukste stap: ${drukste.naam}, ${drukste.wachtend} wachtend.` : ' Nergens wachten signalen.') +
        ' De tabel hieronder geeft alle cijfers.',
    );
  }
  const knop = (tekst, actie) => {
    const b = maak('button', { class: 'utrecht-button utrecht-button--secondary-action sr-diagram__knop', type: 'button' }, tekst);
    b.addEventListener('click', actie);
    return b;
  };
  const zoom = (factor) => canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * factor)));
  el.prepend(
    maak(
      'div',
      { class: 'utrecht-button-group sr-diagram__werkbalk', role: 'group', 'aria-label': 'Zoomen' },
      knop('Inzoomen', () => zoom(1.25)),
      knop('Uitzoomen', () => zoom(0.8)),
      knop('Passend maken', () => canvas.zoom('fit-viewport', 'auto')),
    ),
  );
  el.append(legenda);
  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => canvas.resized()).observe(canvasEl);
  }
  return viewer;
}
