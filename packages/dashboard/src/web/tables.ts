/** Ranking tables with movement arrows. */
import { movement } from '../export/reports';
import type { RankingEntry } from '../types';
import { h } from './dom';
import { formatScore } from './format';

export function movementBadge(rank: number, previousRank: number | null): HTMLElement {
  const places = movement(rank, previousRank);
  if (places === null) return h('span', { class: 'move new', title: 'Chưa có hạng kỳ trước' }, 'mới');
  if (places > 0)
    return h(
      'span',
      { class: 'move up', title: `Tăng ${places} bậc`, 'aria-label': `tăng ${places} bậc` },
      `▲ ${places}`,
    );
  if (places < 0)
    return h(
      'span',
      { class: 'move down', title: `Giảm ${-places} bậc`, 'aria-label': `giảm ${-places} bậc` },
      `▼ ${-places}`,
    );
  return h('span', { class: 'move same', title: 'Giữ nguyên hạng', 'aria-label': 'giữ nguyên' }, '=');
}

export interface RankedRow {
  code: string;
  name: string;
  entry?: RankingEntry;
}

/**
 * A table of units with their rank, movement and score (units without an entry, before the first
 * ranking, are listed after the ranked ones). `attribute` marks each row for a click (data-…).
 */
export function rankingTable(
  rows: RankedRow[],
  options: { attribute: string; caption: string; onSelect?: (code: string) => void; selected?: string },
): HTMLElement {
  const sorted = [...rows].sort(
    (a, b) =>
      (a.entry?.rank ?? Number.MAX_SAFE_INTEGER) - (b.entry?.rank ?? Number.MAX_SAFE_INTEGER) ||
      a.code.localeCompare(b.code),
  );
  const body = sorted.map((row) =>
    h(
      'tr',
      {
        [options.attribute]: row.code,
        class: `${options.onSelect ? 'clickable' : ''}${options.selected === row.code ? ' selected' : ''}`,
        tabindex: options.onSelect ? 0 : null,
        onclick: options.onSelect ? () => options.onSelect!(row.code) : null,
        onkeydown: options.onSelect
          ? (((event: KeyboardEvent) => {
              if (event.key === 'Enter' || event.key === ' ') {
                event.preventDefault();
                options.onSelect!(row.code);
              }
            }) as EventListener)
          : null,
      },
      h('td', { class: 'num' }, row.entry ? String(row.entry.rank) : '–'),
      h('td', {}, row.entry ? movementBadge(row.entry.rank, row.entry.previousRank) : ''),
      h('td', {}, row.name, h('span', { class: 'code' }, ` ${row.code}`)),
      h('td', { class: 'num' }, row.entry ? formatScore(row.entry.score) : '–'),
    ),
  );
  return h(
    'table',
    { class: 'ranking' },
    h('caption', {}, options.caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Hạng'),
        h('th', { scope: 'col' }, 'Thay đổi'),
        h('th', { scope: 'col' }, 'Đơn vị'),
        h('th', { scope: 'col' }, 'Điểm'),
      ),
    ),
    h('tbody', {}, body),
  );
}
