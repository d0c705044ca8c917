/** The dashboard's pure pieces: the tile map's layout and the trend's months. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lastMonths } from '../src/web/format';
import { GRID_COLUMNS, GRID_ROWS, placeTiles, tileLabel, TILE_POSITIONS } from '../src/web/provinces';

const provinces = readFileSync(path.join(__dirname, '../../../services/org/data/provinces.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => {
    const [code, name] = line.split(',');
    return { code, name };
  });

describe('the tile map', () => {
  it('places each of the 63 provinces on a cell of its own inside the grid', () => {
    expect(provinces).toHaveLength(63);
    expect(Object.keys(TILE_POSITIONS).sort()).toEqual(provinces.map((p) => p.code).sort());
    const cells = Object.values(TILE_POSITIONS).map(([c, r]) => `${c},${r}`);
    expect(new Set(cells).size).toBe(63);
    for (const [column, row] of Object.values(TILE_POSITIONS)) {
      expect(column).toBeGreaterThanOrEqual(0);
      expect(column).toBeLessThan(GRID_COLUMNS);
      expect(row).toBeGreaterThanOrEqual(0);
      expect(row).toBeLessThan(GRID_ROWS);
    }
  });

  it('lays out north to south: Hà Giang above Hà Nội above Huế above Hồ Chí Minh above Cà Mau', () => {
    const row = (code: string) => TILE_POSITIONS[code][1];
    expect(row('02')).toBeLessThan(row('01'));
    expect(row('01')).toBeLessThan(row('46'));
    expect(row('46')).toBeLessThan(row('79'));
    expect(row('79')).toBeLessThan(row('96'));
  });

  it('puts a code it does not know below the map', () => {
    const placed = placeTiles(['22', '99', '98']);
    expect(placed.get('22')).toEqual({ column: 7, row: 3 });
    expect(placed.get('99')).toEqual({ column: 1, row: GRID_ROWS + 1 });
    expect(placed.get('98')).toEqual({ column: 2, row: GRID_ROWS + 1 });
  });

  it('short labels for the longest names', () => {
    expect(tileLabel('79', 'Hồ Chí Minh')).toBe('TP HCM');
    expect(tileLabel('22', 'Quảng Ninh')).toBe('Quảng Ninh');
  });
});

describe('the trend’s months', () => {
  it('twelve calendar months ending today, across a year', () => {
    const months = lastMonths(12, '2025-03-07');
    expect(months).toHaveLength(12);
    expect(months[0]).toEqual({ label: 'T4/2024', from: '2024-04-01', to: '2024-04-30' });
    expect(months[10]).toEqual({ label: 'T2/2025', from: '2025-02-01', to: '2025-02-28' });
    expect(months[11]).toEqual({ label: 'T3/2025', from: '2025-03-01', to: '2025-03-07' });
    expect(lastMonths(1, '2024-02-29')[0].to).toBe('2024-02-29');
  });
});
