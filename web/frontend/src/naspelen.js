// "Wat verandert er?": replays history against the saved draft and shows progress (web/modeler/impact.py).
//
// <div class="sr-naspelen" data-url="/processen/x/concept/naspelen?sinds=…" data-csrf="…"> with the parts
// data-deel="voortgang" (<progress>), "voortgang-tekst", "fout" and "uitkomst". One POST; the answer is
// a stream of JSON lines: {"klaar", "totaal"} while it runs, then {"resultaat", "html"} (the result as
// the server rendered it) or {"fout"}. The island is ready (data-sr-klaar="ja") once the result shows,
// "fout" after an error (its message in the "fout" part).

function deel(el, naam) {
  return el.querySelector(`[data-deel="${naam}"]`);
}

// Shows the message and fails the island (data-sr-klaar="fout").
function toonFout(el, tekst) {
  const plek = deel(el, 'fout');
  plek.className = 'utrecht-alert utrecht-alert--error sr-melding sr-melding--fout';
  plek.textContent = tekst;
  deel(el, 'voortgang').hidden = true;
  throw new Error(tekst);
}

function verwerk(el, bericht) {
  if (bericht.fout) {
    toonFout(el, bericht.fout);
  }
  if (bericht.resultaat) {
    deel(el, 'voortgang').hidden = true;
    deel(el, 'voortgang-tekst').textContent = `Klaar: ${bericht.resultaat.nagespeeld} signalen nagespeeld.`;
    deel(el, 'uitkomst').innerHTML = bericht.html; // rendered (and escaped) by the server's template
    return true;
  }
  const balk = deel(el, 'voortgang');
  balk.max = Math.max(bericht.totaal, 1);
  balk.value = bericht.klaar;
  deel(el, 'voortgang-tekst').textContent = bericht.totaal
    ? `${bericht.klaar} van ${bericht.totaal} signalen nagespeeld…`
    : 'Er zijn geen signalen in deze periode.';
  return false;
}

export async function naspelenEiland(el) {
  let antwoord;
  try {
    antwoord = await fetch(el.dataset.url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRFToken': el.dataset.csrf },
    });
  } catch {
    toonFout(el, 'De verbinding is verbroken. Laad de pagina opnieuw om het nog eens te proberen.');
  }
  if (!antwoord.ok) {
    const body = await antwoord.json().catch(() => ({}));
    toonFout(el, body.fout || `Naspelen lukt niet (status ${antwoord.status}).`);
  }
  const lezer = antwoord.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let klaar = false;
  while (!klaar) {
    const { value, done } = await lezer.read();
    buffer += decoder.decode(value || new Uint8Array(), { stream: !done });
    const regels = buffer.split('\n');
    buffer = regels.pop();
    for (const regel of regels) {
      if (regel.trim() && verwerk(el, JSON.parse(regel))) {
        klaar = true;
      }
    }
    if (done) {
      break;
    }
  }
  if (!klaar) {
    toonFout(el, 'Het naspelen is afgebroken voordat het klaar was. Laad de pagina opnieuw.');
  }
}
