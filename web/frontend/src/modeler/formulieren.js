// The "Formulieren" tab: form-js editor for formulieren/<id>.form.json, with a live preview
// (the form-js viewer the task pages use). The form id is the file name.
import { FormEditor } from '@bpmn-io/form-js-editor';
import { Form } from '@bpmn-io/form-js-viewer';

import { NederlandsModule } from '../vertalingen.js';
import { formEditorNederlands } from './nl/formeditor.js';

const MAP = 'formulieren/';
const ACHTER = '.form.json';
const ID = /^[a-z0-9][a-z0-9-]*$/;

export function formulierId(bestand) {
  return bestand.slice(MAP.length, -ACHTER.length);
}

export class Formulieren {
  /**
   * @param {{editor: HTMLElement, voorbeeld: HTMLElement, keuze: HTMLSelectElement}} delen
   * @param {Record<string, string>} bestanden the draft's files (shared with the editor)
   * @param {() => void} gewijzigd called after each change
   */
  constructor(delen, bestanden, gewijzigd) {
    Object.assign(this, delen);
    this.bestanden = bestanden;
    this.gewijzigd = gewijzigd;
    this.formEditor = null;
    this.form = null;
    this.huidig = null;
    this.vullen();
    this.keuze.addEventListener('change', () => this.open(this.keuze.value));
  }

  /** The form ids (file names without folder and suffix), sorted. */
  ids() {
    return Object.keys(this.bestanden).filter((n) => n.startsWith(MAP) && n.endsWith(ACHTER)).map(formulierId).sort();
  }

  vullen() {
    this.keuze.replaceChildren(...this.ids().map((id) => new Option(id, `${MAP}${id}${ACHTER}`)));
    if (this.huidig) {
      this.keuze.value = this.huidig;
    }
  }

  async toon() {
    if (!this.formEditor) {
      this.formEditor = new FormEditor({ container: this.editor });
      formEditorNederlands(this.editor);
      this.form = new Form({ container: this.voorbeeld, additionalModules: [NederlandsModule] });
      this.formEditor.on('changed', () => this.voorbeeldBijwerken());
      // An edit, undo or redo changes the draft; opening a form (the stack is cleared) does not.
      this.formEditor.on('commandStack.changed', (event) => {
        if (event.trigger !== 'clear') {
          this.gewijzigd();
        }
      });
      const eerste = this.ids()[0];
      if (eerste) {
        await this.open(`${MAP}${eerste}${ACHTER}`);
      }
    }
  }

  voorbeeldBijwerken() {
    clearTimeout(this.wacht);
    this.wacht = setTimeout(() => {
      this.form.importSchema(this.formEditor.saveSchema()).catch((fout) => console.warn('Voorbeeld niet bijgewerkt', fout));
    }, 150);
  }

  /** Opens form file `bestand` (after writing the current one back). */
  async open(bestand) {
    await this.toon();
    if (bestand === this.huidig) {
      return;
    }
    this.bewaar();
    this.huidig = bestand;
    this.keuze.value = bestand;
    const schema = JSON.parse(this.bestanden[bestand]);
    await this.formEditor.importSchema(schema);
    await this.form.importSchema(this.formEditor.saveSchema());
  }

  /** Writes the open form back into `bestanden` (id = file name). */
  bewaar() {
    if (this.formEditor && this.huidig) {
      const schema = this.formEditor.saveSchema();
      schema.id = formulierId(this.huidig);
      this.bestanden[this.huidig] = `${JSON.stringify(schema, null, 2)}\n`;
    }
  }

  /**
   * Adds an empty form `id` and opens it; returns an error message or null.
   */
  async nieuw(id) {
    if (!ID.test(id || '')) {
      return 'Gebruik kleine letters, cijfers en streepjes (bv. nazorg-afstemmen).';
    }
    const bestand = `${MAP}${id}${ACHTER}`;
    if (this.bestanden[bestand]) {
      return `Er is al een formulier '${id}'.`;
    }
    this.bestanden[bestand] = JSON.stringify({ id, type: 'default', schemaVersion: 16, components: [] });
    this.vullen();
    await this.open(bestand);
    this.gewijzigd();
    return null;
  }

  commandStack() {
    return this.formEditor ? this.formEditor.get('commandStack') : null;
  }
}
