/** The on-time rate month by month, as an SVG bar chart (no chart library: twelve bars). */
import { h, svg } from './dom';
import { formatPercent, type Month } from './format';

export interface MonthRate {
  month: Month;
  resolved: number;
  onTimeRate: number | null;
}

const WIDTH = 640;
const HEIGHT = 220;
const LEFT = 40;
const BOTTOM = 30;
const TOP = 16;

export function trendChart(points: MonthRate[], caption: string): HTMLElement {
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const step = (WIDTH - LEFT - 8) / Math.max(points.length, 1);
  const y = (rate: number) => TOP + plotHeight * (1 - rate);
  const grid = [0, 0.25, 0.5, 0.75, 1].map((rate) => [
    svg('line', { x1: LEFT, x2: WIDTH - 4, y1: y(rate), y2: y(rate), class: 'grid' }),
    svg('text', { x: LEFT - 6, y: y(rate) + 4, class: 'axis', 'text-anchor': 'end' }, `${rate * 100}%`),
  ]);
  const bars = points.map((point, i) => {
    const x = LEFT + i * step + step * 0.15;
    const width = step * 0.7;
    const label = svg(
      'text',
      { x: x + width / 2, y: HEIGHT - BOTTOM + 16, class: 'axis', 'text-anchor': 'middle' },
      point.month.label,
    );
    const detail = `${point.month.label}: ${
      point.onTimeRate === null ? 'chưa có hồ sơ giải quyết' : `${formatPercent(point.onTimeRate)} đúng hạn`
    } (${point.resolved} hồ sơ đã giải quyết)`;
    if (point.onTimeRate === null)
      return svg('g', { 'data-month': point.month.from }, svg('title', {}, detail), label);
    return svg(
      'g',
      { 'data-month': point.month.from },
      svg('title', {}, detail),
      svg('rect', {
        x,
        y: y(point.onTimeRate),
        width,
        height: plotHeight * point.onTimeRate,
        class: 'bar',
      }),
      svg(
        'text',
        { x: x + width / 2, y: y(point.onTimeRate) - 3, class: 'value', 'text-anchor': 'middle' },
        formatPercent(point.onTimeRate),
      ),
      label,
    );
  });
  const chart = svg(
    'svg',
    { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: 'trend', role: 'img', 'aria-label': caption },
    grid.flat(),
    bars,
  );
  return h('figure', { class: 'trend-figure' }, chart as unknown as Node, h('figcaption', {}, caption));
}
