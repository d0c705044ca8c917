/** The tile map of the provinces, coloured by ISO compliance or by on-time rate, with its legend. */
import type { ProvinceCompliance } from '../types';
import { h } from './dom';
import { formatPercent } from './format';
import { placeTiles, tileLabel } from './provinces';

export type Colouring = 'compliance' | 'onTime';

/** On-time rate bands, best first: at least `min` → the class. */
const ON_TIME_BANDS = [
  { min: 0.95, css: 'band-5', label: 'từ 95%' },
  { min: 0.9, css: 'band-4', label: '90–95%' },
  { min: 0.8, css: 'band-3', label: '80–90%' },
  { min: 0.7, css: 'band-2', label: '70–80%' },
  { min: 0, css: 'band-1', label: 'dưới 70%' },
];

function colourClass(province: ProvinceCompliance, colouring: Colouring): string {
  if (colouring === 'compliance') return province.compliant ? 'yes' : 'no';
  const rate = province.onTimeRate;
  if (rate === null || rate === undefined) return 'none';
  return ON_TIME_BANDS.find((band) => rate >= band.min)!.css;
}

export function tileMap(
  provinces: ProvinceCompliance[],
  colouring: Colouring,
  selected: string | undefined,
  onSelect: (code: string) => void,
): HTMLElement {
  const withUnit = provinces.filter((p) => p.unit);
  const places = placeTiles(withUnit.map((p) => p.unit!.code));
  const tiles = withUnit.map((p) => {
    const { code, name } = p.unit!;
    const place = places.get(code)!;
    const value =
      colouring === 'compliance' ? (p.compliant ? 'Đạt' : 'Chưa đạt') : formatPercent(p.onTimeRate);
    const tile = h(
      'button',
      {
        type: 'button',
        class: `tile ${colourClass(p, colouring)}${selected === code ? ' selected' : ''}`,
        'data-province': code,
        title: `${name} (${code}) — ISO: ${p.compliant ? 'đạt' : 'chưa đạt'}; đúng hạn: ${formatPercent(p.onTimeRate)}`,
        'aria-pressed': selected === code ? 'true' : 'false',
        onclick: () => onSelect(code),
      },
      h('span', { class: 'tile-name' }, tileLabel(code, name)),
      h('span', { class: 'tile-value' }, value),
    );
    // CSSOM, not a style attribute: the page's CSP allows no inline styles.
    tile.style.gridColumn = String(place.column);
    tile.style.gridRow = String(place.row);
    return tile;
  });
  return h('div', { class: 'tile-map', role: 'group', 'aria-label': 'Bản đồ các tỉnh, thành phố' }, tiles);
}

export function legend(colouring: Colouring): HTMLElement {
  const items =
    colouring === 'compliance'
      ? [
          { css: 'yes', label: 'Đạt yêu cầu ISO' },
          { css: 'no', label: 'Chưa đạt' },
        ]
      : [...ON_TIME_BANDS, { css: 'none', label: 'chưa có hồ sơ' }];
  return h(
    'ul',
    { class: 'legend' },
    items.map((item) => h('li', {}, h('span', { class: `swatch ${item.css}` }), item.label)),
  );
}
