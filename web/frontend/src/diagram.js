// Diagram island: shows a BPMN process with the completed and the current steps marked.
//
// <div class="sr-diagram" data-xml-url="/processen/3/bpmn"
//      data-voltooid='["task_verrijken"]' data-actief='["task_beoordelen"]'
//      aria-label="Procesdiagram"></div>
import NavigatedViewer from 'bpmn-js/lib/NavigatedViewer';

import { leesJson, maak, tekstLijst } from './hulp.js';

export const MARKER_VOLTOOID = 'sr-voltooid';
export const MARKER_ACTIEF = 'sr-actief';

let teller = 0;

function naamVan(element) {
  const bo = element.businessObject || {};
  return (bo.name || '').replace(/\s+/g, ' ').trim();
}

const MIN_ZOOM = 0.2;
const MAX_ZOOM = 4;

function midden(element) {
  return { x: element.x + element.width / 2, y: element.y + element.height / 2 };
}

function zichtbaar(canvas, element) {
  const vak = canvas.viewbox();
  return (
    element.x >= vak.x && element.y >= vak.y &&
    element.x + element.width <= vak.x + vak.width && element.y + element.height <= vak.y + vak.height
  );
}

/**
 * Zoom by ``factor``. With a current step (``doel``) on screen the zoom turns around that step, and
 * afterwards the step is scrolled into view if it left it: zooming never loses where the signal is.
 * Without one, the zoom turns around the middle of what is shown.
 */
export function zoomen(canvas, factor, doel) {
  const vak = canvas.viewbox();
  const schaal = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, canvas.zoom() * factor));
  const rond = doel && zichtbaar(canvas, doel) ? midden(doel) : { x: vak.x + vak.width / 2, y: vak.y + vak.height / 2 };
  canvas.zoom(schaal, rond);
  if (doel && !zichtbaar(canvas, doel)) {
    canvas.scrollToElement(doel, 40);
  }
}

/**
 * Put a viewer with the BPMN diagram at ``url`` into ``el`` and return it. If it cannot be
 * fetched or read, ``el`` shows ``foutTekst`` as a warning instead and the error is thrown on.
 */
export async function laadDiagram(el, url, foutTekst) {
  const canvasEl = maak('div', { class: 'sr-diagram__canvas' });
  el.replaceChildren(canvasEl);
  const viewer = new NavigatedViewer({
    container: canvasEl,
    // The mouse wheel scrolls the page, not the diagram; zoom with the buttons.
    zoomScroll: { enabled: false },
  });
  try {
    if (!url) {
      throw new Error('data-xml-url ontbreekt');
    }
    const antwoord = await fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'application/xml, text/xml;q=0.9, */*;q=0.5' },
    });
    if (!antwoord.ok) {
      throw new Error(`HTTP ${antwoord.status} bij ophalen van ${url}`);
    }
    await viewer.importXML(await antwoord.text());
  } catch (fout) {
    viewer.destroy();
    el.replaceChildren(
      maak(
        'div',
        { class: 'utrecht-alert utrecht-alert--warning sr-melding sr-melding--waarschuwing sr-diagram__fout' },
        maak(
          'div',
          { class: 'utrecht-alert__content' },
          maak('p', { class: 'utrecht-alert__message utrecht-paragraph' }, foutTekst),
        ),
      ),
    );
    console.error('Signaalroute: procesdiagram niet geladen', fout);
    throw fout;
  }
  return viewer;
}

export async function diagramEiland(el) {
  const nummer = ++teller;
  const url = el.dataset.xmlUrl;
  const voltooid = tekstLijst(leesJson(el, 'voltooid', []));
  const actief = tekstLijst(leesJson(el, 'actief', []));

  if (!el.hasAttribute('role')) {
    el.setAttribute('role', 'figure');
  }
  if (!el.hasAttribute('aria-label') && !el.hasAttribute('aria-labelledby')) {
    el.setAttribute('aria-label', 'Procesdiagram');
  }

  const viewer = await laadDiagram(
    el,
    url,
    'Het procesdiagram kan niet worden getoond. Probeer het later opnieuw; de stappen van het proces staan ook in de tekst op deze pagina.',
  );
  const canvasEl = el.querySelector('.sr-diagram__canvas');

  const canvas = viewer.get('canvas');
  const register = viewer.get('elementRegistry');
  const wortel = canvas.getRootElement();

  function markeer(ids, marker) {
    const namen = [];
    for (const id of ids) {
      const element = register.get(id);
      if (!element || element === wortel || element.type === 'label') {
        continue; // ids that are not in this diagram are ignored
      }
      canvas.addMarker(element, marker);
      // Unnamed elements (joining gateways, flows) are marked but not listed.
      if (naamVan(element)) {
        namen.push(naamVan(element));
      }
    }
    return namen;
  }
  const voltooideNamen = markeer(voltooid, MARKER_VOLTOOID);
  const actieveNamen = markeer(actief, MARKER_ACTIEF);
  // The step the signal is at now: zooming keeps it in view.
  const huidige = actief.map((id) => register.get(id)).find((e) => e && e !== wortel && e.type !== 'label');

  canvas.zoom('fit-viewport', 'auto');

  // A text alternative for what the colours say.
  const legendaId = `sr-diagram-legenda-${nummer}`;
  const legenda = maak(
    'div',
    { class: 'sr-diagram__legenda', id: legendaId },
    maak(
      'p',
      { class: 'sr-diagram__legenda-regel' },
      maak('span', { class: 'sr-diagram__staal sr-diagram__staal--actief', 'aria-hidden': 'true' }),
      'Huidige stap: ',
      maak('strong', {}, actieveNamen.length ? actieveNamen.join(', ') : 'geen'),
    ),
    maak(
      'p',
      { class: 'sr-diagram__legenda-regel' },
      maak('span', { class: 'sr-diagram__staal sr-diagram__staal--voltooid', 'aria-hidden': 'true' }),
      'Voltooid: ',
      maak('strong', {}, voltooideNamen.length ? voltooideNamen.join(', ') : 'nog niets'),
    ),
  );

  // The canvas (an <svg>) is keyboard-focusable. diagram-js moves it with Ctrl+arrow;
  // in this viewer plain arrows move it too (Shift: faster), + and - zoom, 0 fits.
  const toetsenbord = viewer.get('keyboard');
  const verschuiven = viewer.get('keyboardMove');
  const richtingen = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };
  toetsenbord.addListener(500, ({ keyEvent }) => {
    if (keyEvent.ctrlKey || keyEvent.metaKey || keyEvent.altKey) {
      return false;
    }
    if (richtingen[keyEvent.key]) {
      verschuiven.moveCanvas({ direction: richtingen[keyEvent.key], speed: keyEvent.shiftKey ? 200 : 50 });
      return true;
    }
    if (keyEvent.key === '+' || keyEvent.key === '=') {
      zoomen(canvas, 1.25, huidige);
      return true;
    }
    if (keyEvent.key === '-') {
      zoomen(canvas, 0.8, huidige);
      return true;
    }
    if (keyEvent.key === '0') {
      canvas.zoom('fit-viewport', 'auto');
      return true;
    }
    return false;
  });

  const svg = canvasEl.querySelector('svg');
  if (svg) {
    svg.setAttribute('tabindex', '0');
    svg.setAttribute('role', 'img');
    svg.setAttribute(
      'aria-label',
      `${el.getAttribute('aria-label') || 'Procesdiagram'}. Verschuif met de pijltoetsen, zoom met plus en min, 0 maakt passend.`,
    );
    svg.setAttribute('aria-describedby', legendaId);
  }

  function knop(tekst, actie) {
    const b = maak('button', { class: 'utrecht-button utrecht-button--secondary-action sr-diagram__knop', type: 'button' }, tekst);
    b.addEventListener('click', actie);
    return b;
  }
  const werkbalk = maak(
    'div',
    { class: 'utrecht-button-group sr-diagram__werkbalk', role: 'group', 'aria-label': 'Zoomen' },
    knop('Inzoomen', () => zoomen(canvas, 1.25, huidige)),
    knop('Uitzoomen', () => zoomen(canvas, 0.8, huidige)),
    knop('Passend maken', () => canvas.zoom('fit-viewport', 'auto')),
  );
  el.prepend(werkbalk);
  el.append(legenda);

  if (typeof ResizeObserver === 'function') {
    new ResizeObserver(() => canvas.resized()).observe(canvasEl);
  }
  return viewer;
}
