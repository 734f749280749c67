// Dutch for the form-js editor. Unlike bpmn-js and dmn-js it does not pass its texts through a
// `translate` service (bpmn-io/form-js#77, still open): its palette, properties panel and empty
// states are fixed English. So the editor's own chrome is translated in the DOM (nl/dom.js).
// What the process owner wrote (labels, keys, texts on the form canvas, input values) is never
// touched: only the palette, the properties panel outside its inputs and editors, and the
// canvas's empty-state texts.
import { domNederlands, tekstVertaler } from './dom.js';

const TEKSTEN = {
  // palette
  'Components': 'Onderdelen', 'Search components': 'Onderdelen zoeken', 'No components found.': 'Geen onderdelen gevonden.',
  'Input': 'Invoer', 'Selection': 'Keuze', 'Presentation': 'Weergave', 'Containers': 'Groeperen', 'Action': 'Actie',
  'Text field': 'Tekstveld', 'Text area': 'Tekstvak', 'Number': 'Getal', 'Date time': 'Datum en tijd', 'Expression': 'Berekening',
  'File picker': 'Bestand kiezen', 'Checkbox': 'Aanvinkvakje', 'Checkbox group': 'Aanvinklijst', 'Radio group': 'Keuzerondjes',
  'Select': 'Keuzelijst', 'Tag list': 'Labels', 'Text view': 'Tekst', 'HTML view': 'HTML', 'Image view': 'Afbeelding',
  'Table': 'Tabel', 'iFrame': 'Ingesloten pagina', 'Document preview': 'Documentvoorbeeld', 'Spacer': 'Witruimte',
  'Separator': 'Scheidingslijn', 'Group': 'Groep', 'Dynamic list': 'Herhalende groep', 'Button': 'Knop',
  // canvas (empty states)
  'Build your form': 'Stel uw formulier samen', 'Drag and drop components here to start designing.':
    'Sleep onderdelen hierheen om te beginnen.', 'Drag and drop components here.': 'Sleep onderdelen hierheen.',
  'Use the preview window to test your form.': 'Probeer het formulier uit in het voorbeeld hieronder.',
  'Remove form field': 'Veld verwijderen',
  // properties panel
  'Select a form field to edit its properties.': 'Kies een veld om zijn eigenschappen te wijzigen.',
  'General': 'Algemeen', 'Condition': 'Voorwaarde', 'Validation': 'Controle', 'Appearance': 'Weergave', 'Layout': 'Opmaak',
  'Serialization': 'Opslaan als', 'Constraints': 'Beperkingen', 'Options source': 'Bron van de keuzes',
  'Static options': 'Vaste keuzes', 'Dynamic options': 'Keuzes uit gegevens', 'Custom properties': 'Eigen eigenschappen',
  'Security attributes': 'Beveiliging', 'Label': 'Label', 'Field label': 'Label', 'Field description': 'Toelichting',
  'Description': 'Toelichting', 'Key': 'Sleutel (naam in de procesgegevens)', 'ID': 'Technische naam (id)',
  'Default value': 'Standaardwaarde', 'Disabled': 'Uitgeschakeld', 'Read only': 'Alleen lezen', 'Required': 'Verplicht',
  'Hide if': 'Verbergen als', 'Deactivate if': 'Uitschakelen als', 'Minimum length': 'Minimale lengte',
  'Maximum length': 'Maximale lengte', 'Minimum': 'Minimum', 'Maximum': 'Maximum', 'Validation pattern': 'Patroon',
  'Custom regular expression': 'Eigen reguliere expressie', 'Custom error message': 'Eigen foutmelding', 'Custom': 'Eigen',
  'Email': 'E-mailadres', 'Phone': 'Telefoonnummer', 'Columns': 'Kolommen', 'Column': 'Kolom', 'Auto': 'Automatisch',
  'Prefix': 'Voorvoegsel', 'Suffix': 'Achtervoegsel', 'Decimal digits': 'Cijfers achter de komma', 'Increment': 'Stapgrootte',
  'Output as string': 'Opslaan als tekst', 'Allows arbitrary precision values': 'Staat willekeurige precisie toe',
  'Subtype': 'Soort', 'Date label': 'Label van de datum', 'Time label': 'Label van de tijd', 'Use 24h': '24-uursklok',
  'Time format': 'Tijdnotatie', 'Time interval': 'Tijdstap', 'Disallow past dates': 'Geen datum in het verleden',
  'Searchable': 'Doorzoekbaar', 'Text': 'Tekst', 'Content': 'Inhoud', 'Value': 'Waarde', 'Values': 'Waarden',
  'Checked': 'Aangevinkt', 'Not checked': 'Niet aangevinkt', 'Type': 'Soort', 'Submit': 'Versturen', 'Reset': 'Wissen',
  'Alternative text': 'Alternatieve tekst', 'Image source': 'Bron van de afbeelding', 'Height': 'Hoogte', 'URL': 'Adres (URL)',
  'Path': 'Pad', 'Repeatable': 'Herhaalbaar', 'Show outline': 'Rand tonen', 'Vertical alignment': 'Verticale uitlijning',
  'Top': 'Boven', 'Center': 'Midden', 'Bottom': 'Onder', 'Compute on': 'Berekenen bij', 'Value changes': 'Elke wijziging',
  'Form submission': 'Versturen van het formulier', 'Target value': 'Doelwaarde', 'Data source': 'Gegevensbron',
  'Options expression': 'Expressie voor de keuzes', 'Input values key': 'Sleutel van de keuzes', 'Headers source': 'Bron van de kolommen',
  'Header items': 'Kolommen', 'Pagination': 'Pagina\'s', 'Number of rows per page': 'Rijen per pagina',
  'Allow add/delete items': 'Items toevoegen/verwijderen toestaan', 'Default number of items': 'Standaardaantal items',
  'Disable collapse': 'Niet inklappen', 'Number of non-collapsing items': 'Aantal items dat open blijft',
  'Upload multiple files': 'Meerdere bestanden', 'Supported file formats': 'Toegestane bestandssoorten',
  'Version tag': 'Versielabel', 'Clear content': 'Inhoud wissen', 'Learn more': 'Meer uitleg', 'Opened in popup': 'Geopend in een venster',
  'Binds to a form variable': 'Koppelt aan een gegeven van het formulier',
  'Descriptive text for screen reader accessibility.': 'Beschrijvende tekst voor schermlezers.',
  'Define an expression to calculate the value of this field': 'Een expressie die de waarde van dit veld berekent',
  'Supports markdown and templating.': 'Markdown en sjablonen zijn toegestaan.',
  'Create new list item': 'Nieuw item', 'Delete item': 'Item verwijderen', 'Toggle list item': 'Item open/dicht',
  'Toggle section': 'Groep open/dicht', 'Section contains an error': 'Deze groep bevat een fout',
  'Section contains edits': 'Deze groep is ingevuld', 'Open pop-up editor': 'In een groter venster openen',
  'Create': 'Maken', '<empty>': '(leeg)', '<none>': '(geen)',
  'Condition under which the field is hidden': 'Wanneer het veld verborgen is',
  'Condition under which the field is deactivated': 'Wanneer het veld uitgeschakeld is',
};

const PATRONEN = [
  [/^Create an? (.+) element$/, (vertaal, _, soort) => `${vertaal(soort)} toevoegen`],
  [/^Remove (.+)$/, (vertaal, _, soort) => `${vertaal(soort)} verwijderen`],
];

/** The Dutch for one of the form editor's own texts (unchanged when there is none). */
export const vertaalTekst = tekstVertaler(TEKSTEN, PATRONEN);

/** Translates the form editor's chrome in `container`, now and after every re-render. */
export function formEditorNederlands(container) {
  domNederlands(container, vertaalTekst, {
    chrome: '.fjs-palette-container, .fjs-properties-container, .fjs-empty-editor, .fjs-empty-component, .fjs-context-pad',
    niet: 'input, textarea, .bio-properties-panel-header-label, .bio-properties-panel-list-entry-header-title, '
      + '.bio-properties-panel-collapsible-entry-header-title',
  });
}
