// Talking to the process library's JSON endpoints: same-origin, JSON, the CSRF token on writes.

const MELDINGEN = {
  401: 'U bent niet (meer) aangemeld. Meld u in een ander tabblad opnieuw aan; uw wijzigingen staan nog in dit scherm.',
  403: 'U mag processen niet wijzigen.',
  404: 'Dit proces of deze versie bestaat niet (meer).',
  409: 'Iemand anders heeft het concept intussen gewijzigd. Laad de pagina opnieuw; uw wijzigingen staan nog in dit scherm.',
  413: 'Het concept is te groot om op te slaan.',
};

export class ServerFout extends Error {
  constructor(status, antwoord) {
    const bericht = (antwoord && antwoord.fout) || MELDINGEN[status]
      || (status >= 500 ? 'Er ging iets mis op de server; probeer het later opnieuw.' : `Het verzoek is mislukt (status ${status}).`);
    super(bericht);
    this.status = status;
    this.antwoord = antwoord || {};
  }
}

/**
 * One request; resolves with {status, gegevens} for 2xx, throws ServerFout otherwise.
 *
 * @param {string} methode GET, PUT, POST, DELETE
 * @param {string} url
 * @param {{csrf?: string, body?: object, tekst?: boolean}} opties
 */
export async function vraag(methode, url, { csrf, body, tekst } = {}) {
  const headers = { Accept: tekst ? '*/*' : 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (methode !== 'GET' && csrf) {
    headers['X-CSRFToken'] = csrf;
  }
  let antwoord;
  try {
    antwoord = await fetch(url, {
      method: methode, headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ServerFout(0, { fout: 'De verbinding met de server is verbroken. Probeer het opnieuw; uw wijzigingen staan nog in dit scherm.' });
  }
  let gegevens = null;
  if (tekst && antwoord.ok) {
    gegevens = await antwoord.text();
  } else if ((antwoord.headers.get('Content-Type') || '').includes('json')) {
    try {
      gegevens = await antwoord.json();
    } catch {
      gegevens = null;
    }
  }
  if (!antwoord.ok) {
    throw new ServerFout(antwoord.status, gegevens);
  }
  return { status: antwoord.status, gegevens };
}
