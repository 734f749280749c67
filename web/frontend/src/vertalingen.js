// Dutch texts for form-js. form-js passes every text it shows (validation
// messages, buttons, pager) through its `translate` service; we replace that
// service with one that looks the English template up here first.
const teksten = {
  'Field is required.': 'Dit veld is verplicht.',
  'Field must be a valid email.': 'Vul een geldig e-mailadres in.',
  'Field must be a valid international phone number. (e.g. +4930664040900)':
    'Vul een geldig internationaal telefoonnummer in (bijvoorbeeld +31201234567).',
  'Field must have maximum length of {value}.': 'Gebruik hoogstens {value} tekens.',
  'Field must have minimum length of {value}.': 'Gebruik minstens {value} tekens.',
  'Field must have maximum value of {value}.': 'De waarde mag hoogstens {value} zijn.',
  'Field must have minimum value of {value}.': 'De waarde moet minstens {value} zijn.',
  'Field must match pattern {value}.': 'De invoer heeft niet de juiste vorm.',
  'Max validation value is not a valid number.': 'De maximale waarde is geen geldig getal.',
  'Min validation value is not a valid number.': 'De minimale waarde is geen geldig getal.',
  'Value is not a number.': 'Vul een getal in.',
  'Value is expected to be an integer.': 'Vul een geheel getal in.',
  'Value is expected to have at most 1 decimal digit.': 'Gebruik hoogstens 1 cijfer achter de komma.',
  'Value is expected to have at most {value} decimal digits.': 'Gebruik hoogstens {value} cijfers achter de komma.',
  'Please select a valid value, the two nearest valid values are {previousValue} and {nextValue}.':
    'Kies een geldige waarde; de dichtstbijzijnde zijn {previousValue} en {nextValue}.',
  'Date and time must both be entered.': 'Vul zowel de datum als de tijd in.',
  'Add new': 'Toevoegen',
  'All values selected': 'Alle waarden gekozen',
  'Click to remove sorting': 'Klik om de sortering op te heffen',
  'Click to sort by {value} ascending': 'Klik om oplopend op {value} te sorteren',
  'Click to sort by {value} descending': 'Klik om aflopend op {value} te sorteren',
  Collapse: 'Inklappen',
  'Expand all ({value})': 'Alles uitklappen ({value})',
  Decrement: 'Verlagen',
  Increment: 'Verhogen',
  'Next page': 'Volgende pagina',
  'Previous page': 'Vorige pagina',
  '{page} of {total}': '{page} van {total}',
  'No content to show.': 'Geen inhoud.',
  'Nothing to show.': 'Niets te tonen.',
  'No files selected': 'Geen bestanden gekozen',
  '{value} files selected': '{value} bestanden gekozen',
  'Remove tag': 'Verwijderen',
  Search: 'Zoeken',
  'Skip to search': 'Naar zoeken',
  'Download {fileName}': '{fileName} downloaden',
  'Unable to download document': 'Het document kan niet worden gedownload.',
  'Document reference is not defined.': 'Er is geen document opgegeven.',
  "External content couldn't be loaded.": 'De externe inhoud kon niet worden geladen.',
};

export function vertaal(sjabloon, vervangingen = {}) {
  const tekst = Object.prototype.hasOwnProperty.call(teksten, sjabloon) ? teksten[sjabloon] : sjabloon;
  return tekst.replace(/{([^}]+)}/g, (_, sleutel) =>
    Object.prototype.hasOwnProperty.call(vervangingen, sleutel) ? String(vervangingen[sleutel]) : `{${sleutel}}`,
  );
}

/** A didi module that replaces form-js's `translate` service. */
export const NederlandsModule = {
  translate: ['value', vertaal],
};
