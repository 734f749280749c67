// Dutch for dmn-js: the decision table (heading, hit policy, context menus, cell editors) and the
// DRD / literal expression views a DMN file may open in.
import { domNederlands, tekstVertaler } from './dom.js';

export const DMN_NL = {
  'When': 'Als', 'And': 'En', 'Then': 'Dan', 'Annotation': 'Toelichting', 'Annotations': 'Toelichting',
  'Hit policy': 'Welke regel geldt', 'Hit policy:': 'Welke regel geldt:',
  'Unique': 'Precies één regel past', 'First': 'De eerste regel die past', 'Priority': 'De regel met de hoogste prioriteit',
  'Any': 'Elke passende regel (met dezelfde uitkomst)', 'Collect': 'Alle passende regels',
  'Collect (Sum)': 'Alle passende regels (som)', 'Collect (Min)': 'Alle passende regels (kleinste)',
  'Collect (Max)': 'Alle passende regels (grootste)', 'Collect (Count)': 'Alle passende regels (aantal)',
  'Rule order': 'Passende regels in volgorde', 'Output order': 'Passende regels op uitkomst',
  'No overlap is possible and all rules are disjoint. Only a single rule can be matched':
    'De regels overlappen niet: er past altijd precies één.',
  'Rules may overlap. The first matching rule will be chosen': 'Regels mogen overlappen; de eerste die past, geldt.',
  'Rules may overlap. The one with the highest priority will be chosen': 'Regels mogen overlappen; de belangrijkste geldt.',
  'Rules may overlap. Their output have to match': 'Regels mogen overlappen, maar moeten dezelfde uitkomst geven.',
  'Collects the values of all matching rules': 'Verzamelt de uitkomsten van alle passende regels.',
  'Collects the values of all matching rules and sums up to a single value': 'Telt de uitkomsten van alle passende regels op.',
  'Collects the values of all matching rules and uses the lowest value': 'Neemt de kleinste uitkomst van de passende regels.',
  'Collects the values of all matching rules and uses the highest value': 'Neemt de grootste uitkomst van de passende regels.',
  'Collects the values of all matching rules and counts the number of them': 'Telt hoeveel regels passen.',
  'Collects the values of all matching rules in rule order': 'Verzamelt de uitkomsten in de volgorde van de regels.',
  'Collects the values of all matching rules in decreasing output priority order': 'Verzamelt de uitkomsten op prioriteit.',
  // column headings and their editors
  'string': 'tekst', 'boolean': 'ja/nee', 'integer': 'geheel getal', 'long': 'geheel getal', 'double': 'getal',
  'number': 'getal', 'date': 'datum', 'dateTime': 'datum en tijd', 'time': 'tijd', 'any': 'alles',
  'Input': 'Invoer', 'Output': 'Uitkomst', 'Input label': 'Naam van de invoer', 'Input label: ': 'Naam van de invoer: ',
  'Input expression': 'Gegeven uit het proces', 'Input expression: ': 'Gegeven uit het proces: ',
  'Input type': 'Soort invoer', 'Input values': 'Toegestane waarden', 'Output label': 'Naam van de uitkomst',
  'Output label: ': 'Naam van de uitkomst: ', 'Output name': 'Naam in de procesgegevens', 'Output name: ': 'Naam in de procesgegevens: ',
  'Output type': 'Soort uitkomst', 'Output values': 'Mogelijke uitkomsten', 'Type': 'Soort', 'Expression': 'Expressie',
  'Expression language': 'Expressietaal', 'Expression language:': 'Expressietaal:', 'Variable name': 'Naam van het gegeven',
  'Variable name:': 'Naam van het gegeven:', 'Variable type': 'Soort gegeven', 'Variable type:': 'Soort gegeven:',
  'Predefined values': 'Vaste waarden', 'Add predefined values': 'Vaste waarden toevoegen', 'Add values': 'Waarden toevoegen',
  'Clear predefined values': 'Vaste waarden wissen', 'Custom values': 'Eigen waarden', 'No values': 'Geen waarden',
  'Strings must be in double quotes': 'Zet tekst tussen dubbele aanhalingstekens',
  'Change type': 'Soort wijzigen', 'Change cell expression language': 'Expressietaal van de cel wijzigen',
  'Editing not supported for set expression language': 'Bewerken kan niet in deze expressietaal',
  'Enter expression': 'Expressie invullen',
  // rules and columns (context menu)
  'Add rule': 'Regel toevoegen', 'Add rule above': 'Regel erboven', 'Add rule below': 'Regel eronder',
  'Remove rule': 'Regel verwijderen', 'Copy rule': 'Regel kopiëren', 'Cut rule': 'Regel knippen', 'Move rule': 'Regel verplaatsen',
  'Paste rule above': 'Regel erboven plakken', 'Paste rule below': 'Regel eronder plakken',
  'Add input': 'Invoer toevoegen', 'Add output': 'Uitkomst toevoegen',
  'Add input column left': 'Invoerkolom links', 'Add input column right': 'Invoerkolom rechts',
  'Add output column left': 'Uitkomstkolom links', 'Add output column right': 'Uitkomstkolom rechts',
  'Remove input column': 'Invoerkolom verwijderen', 'Remove output column': 'Uitkomstkolom verwijderen',
  'Copy input column': 'Invoerkolom kopiëren', 'Copy output column': 'Uitkomstkolom kopiëren',
  'Cut input column': 'Invoerkolom knippen', 'Cut output column': 'Uitkomstkolom knippen',
  'Paste input column left': 'Invoerkolom links plakken', 'Paste input column right': 'Invoerkolom rechts plakken',
  'Paste output column left': 'Uitkomstkolom links plakken', 'Paste output column right': 'Uitkomstkolom rechts plakken',
  'Add cell description': 'Toelichting bij de cel', 'Remove cell description': 'Toelichting bij de cel verwijderen',
  // cell editors (boolean, string, number, date)
  'Yes': 'Ja', 'No': 'Nee', 'Edit boolean': 'Ja/nee wijzigen', 'Boolean value': 'Ja of nee', 'Edit string': 'Tekst wijzigen',
  'String value': 'Tekst', 'Edit number': 'Getal wijzigen', 'Match one': 'Eén van', 'Match none': 'Geen van',
  'Comparison': 'Vergelijking', 'Comparison operator': 'Vergelijking', 'Range': 'Van–tot', 'Equals': 'Gelijk aan',
  'Less': 'Kleiner dan', 'Less or equals': 'Kleiner dan of gelijk aan', 'Greater': 'Groter dan',
  'Greater or equals': 'Groter dan of gelijk aan', 'Value': 'Waarde', 'Values': 'Waarden', 'Set value': 'Waarde invullen',
  'Start value': 'Beginwaarde', 'End value': 'Eindwaarde', 'Include': 'Inclusief', 'Exclude': 'Exclusief',
  'Range start operator': 'Begin van het bereik', 'Range end operator': 'Einde van het bereik',
  'Range start value': 'Beginwaarde', 'Range end value': 'Eindwaarde', 'Test type': 'Soort vergelijking',
  'Edit date': 'Datum wijzigen', 'Edit date and time': 'Datum en tijd wijzigen', 'Edit time': 'Tijd wijzigen',
  'Edit duration': 'Duur wijzigen', 'Date': 'Datum', 'Time': 'Tijd', 'Date and time': 'Datum en tijd',
  'Date value': 'Datum', 'Time value': 'Tijd', 'Date and time value': 'Datum en tijd', 'Duration value': 'Duur',
  'Set date': 'Datum kiezen', 'Set time': 'Tijd kiezen', 'Set date and time': 'Datum en tijd kiezen', 'Set duration': 'Duur kiezen',
  'Use today': 'Vandaag', 'Use now': 'Nu', 'Before': 'Voor', 'After': 'Na', 'Between': 'Tussen', 'Exactly': 'Precies',
  'Start date': 'Begindatum', 'End date': 'Einddatum', 'Start time': 'Begintijd', 'End time': 'Eindtijd',
  'Start date and time': 'Begin (datum en tijd)', 'End date and time': 'Einde (datum en tijd)',
  'Edit start date': 'Begindatum wijzigen', 'Edit end date': 'Einddatum wijzigen', 'Edit start time': 'Begintijd wijzigen',
  'Edit end time': 'Eindtijd wijzigen', 'Edit start date and time': 'Begin wijzigen', 'Edit end date and time': 'Einde wijzigen',
  'Edit': 'Wijzigen', 'Edit input': 'Invoer wijzigen', 'Edit output': 'Uitkomst wijzigen', 'Resize': 'Breedte wijzigen',
  'e.g. { example } ': 'bv. { example } ', 'e.g. { sample }': 'bv. { sample }',
  // DRD and literal expression views
  'View DRD': 'Beslismodel tonen', 'Decision name': 'Naam van de beslissing', 'Decision name: ': 'Naam van de beslissing: ',
  'Element name': 'Naam', 'Definition name': 'Naam', 'Definition ID': 'Technische naam', 'Literal expression': 'Expressie',
  'Literal expression editor': 'Expressie bewerken', 'Kind': 'Soort', 'Delete': 'Verwijderen',
  'Create decision': 'Beslissing maken', 'Create input data': 'Invoergegevens maken', 'Create knowledge model': 'Kennismodel maken',
  'Create knowledge source': 'Kennisbron maken', 'Append decision': 'Beslissing erachter', 'Append input data': 'Invoergegevens erachter',
  'Append business knowledge model': 'Kennismodel erachter', 'Append knowledge source': 'Kennisbron erachter',
  'Connect to other element': 'Met een ander element verbinden', 'Add text annotation': 'Notitie toevoegen',
  'Activate hand tool': 'Hand: verschuiven', 'Activate lasso tool': 'Lasso: selecteren',
};

// Titles dmn-js writes without `translate` (drag handles of the columns): attributes only.
const TITELS = tekstVertaler({ 'Move Input': 'Invoerkolom verplaatsen', 'Move Output': 'Uitkomstkolom verplaatsen' });

export function dmnTitelsNederlands(container) {
  domNederlands(container, TITELS, { chrome: '*', niet: '*' });
}
