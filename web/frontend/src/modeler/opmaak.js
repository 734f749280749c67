// Opening a BPMN file made elsewhere: lay out what has no diagram information (bpmn-auto-layout).
import { layoutProcess } from 'bpmn-auto-layout';

const BPMNDI = 'http://www.omg.org/spec/BPMN/20100524/DI';
const BPMN = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
const GETEKEND = /(Task|Event|Gateway|sequenceFlow|subProcess|callActivity)$/;

/**
 * A BPMN file from another tool may come without diagram (DI), or with shapes for only some
 * of its elements (bpmn-js would not show the others): then lay the process out first.
 */
export async function metLayout(xml) {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const getekend = new Set([...doc.getElementsByTagNameNS(BPMNDI, '*')].map((di) => di.getAttribute('bpmnElement')));
  const ontbreekt = [...doc.getElementsByTagNameNS(BPMN, 'process')].some((proces) => [...proces.getElementsByTagNameNS(BPMN, '*')]
    .some((el) => GETEKEND.test(el.localName) && el.id && !getekend.has(el.id)));
  if (!ontbreekt) {
    return { xml, opgemaakt: false };
  }
  return { xml: await layoutProcess(xml), opgemaakt: true };
}
