// Chart island: a Chart.js bar or doughnut chart beside the table that holds the same numbers.
//
// <div class="sr-grafiek" data-soort="bar|doughnut" data-titel="Per route"
//      data-gegevens='{"labels": ["Zorgtraject", …], "reeksen": [{"naam": "Aantal", "waarden": [12, …]}]}'></div>
//
// The canvas is an image with a text alternative pointing at the table; the table is the data.
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
} from 'chart.js';

import { leesJson, maak } from './hulp.js';

Chart.register(ArcElement, BarController, BarElement, CategoryScale, DoughnutController, Legend, LinearScale, Tooltip);

// Colours with at least 3:1 contrast against white (WCAG 1.4.11, graphical objects).
export const KLEUREN = ['#1f4e79', '#b34700', '#2e7d32', '#6a1b9a', '#00695c', '#ad1457', '#5d4037', '#37474f', '#8c6d00'];

const getal = new Intl.NumberFormat('nl-NL', { maximumFractionDigits: 1 });

export function grafiekEiland(el) {
  const soort = el.dataset.soort === 'doughnut' ? 'doughnut' : 'bar';
  const titel = el.dataset.titel || 'Grafiek';
  const gegevens = leesJson(el, 'gegevens', { labels: [], reeksen: [] });
  const labels = Array.isArray(gegevens.labels) ? gegevens.labels.map(String) : [];
  const reeksen = Array.isArray(gegevens.reeksen) ? gegevens.reeksen : [];

  const canvas = maak('canvas', {
    role: 'img',
    'aria-label': `Grafiek: ${titel}. De cijfers staan in de tabel bij deze grafiek.`,
  });
  const vak = maak('div', { class: 'sr-grafiek__vak' }, canvas);
  el.replaceChildren(vak);

  const datasets = reeksen.map((reeks, i) => ({
    label: String(reeks.naam || ''),
    data: (reeks.waarden || []).map((w) => (w === null || w === undefined ? null : Number(w))),
    backgroundColor: soort === 'doughnut' ? labels.map((_, j) => KLEUREN[j % KLEUREN.length]) : KLEUREN[i % KLEUREN.length],
    borderColor: '#ffffff',
    borderWidth: soort === 'doughnut' ? 2 : 0,
  }));

  const grafiek = new Chart(canvas, {
    type: soort,
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      locale: 'nl-NL',
      indexAxis: soort === 'bar' && labels.length > 4 ? 'y' : 'x',
      plugins: {
        legend: { display: soort === 'doughnut' || datasets.length > 1, position: 'bottom', labels: { color: '#000' } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label || ctx.label}: ${getal.format(ctx.parsed.x ?? ctx.parsed)}` } },
      },
      scales:
        soort === 'bar'
          ? {
              x: { ticks: { color: '#000' }, beginAtZero: true },
              y: { ticks: { color: '#000' }, beginAtZero: true },
            }
          : {},
    },
  });
  el.grafiek = grafiek;
  return grafiek;
}
