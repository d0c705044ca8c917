/**
 * The tile map: each of the 63 provinces (statistical codes of shared/data/provinces.csv) on a grid
 * of 7 columns and 24 rows laid out roughly as they lie on the map of Vietnam, north at the top.
 * A province the grid does not know (a code after a merger) is placed in a row below it.
 */
export const GRID_COLUMNS = 7;
export const GRID_ROWS = 24;

/** code → [column, row], both from 0. */
export const TILE_POSITIONS: Record<string, [number, number]> = {
  '12': [1, 0], // Lai Châu
  '10': [2, 0], // Lào Cai
  '02': [3, 0], // Hà Giang
  '04': [4, 0], // Cao Bằng
  '11': [0, 1], // Điện Biên
  '15': [2, 1], // Yên Bái
  '08': [3, 1], // Tuyên Quang
  '06': [4, 1], // Bắc Kạn
  '20': [5, 1], // Lạng Sơn
  '14': [1, 2], // Sơn La
  '25': [2, 2], // Phú Thọ
  '26': [3, 2], // Vĩnh Phúc
  '19': [4, 2], // Thái Nguyên
  '24': [5, 2], // Bắc Giang
  '22': [6, 2], // Quảng Ninh
  '17': [2, 3], // Hòa Bình
  '01': [3, 3], // Hà Nội
  '27': [4, 3], // Bắc Ninh
  '30': [5, 3], // Hải Dương
  '31': [6, 3], // Hải Phòng
  '35': [3, 4], // Hà Nam
  '33': [4, 4], // Hưng Yên
  '34': [5, 4], // Thái Bình
  '37': [3, 5], // Ninh Bình
  '36': [4, 5], // Nam Định
  '38': [2, 6], // Thanh Hóa
  '40': [2, 7], // Nghệ An
  '42': [3, 8], // Hà Tĩnh
  '44': [3, 9], // Quảng Bình
  '45': [4, 10], // Quảng Trị
  '46': [4, 11], // Thừa Thiên Huế
  '48': [5, 11], // Đà Nẵng
  '49': [5, 12], // Quảng Nam
  '62': [4, 13], // Kon Tum
  '51': [5, 13], // Quảng Ngãi
  '64': [4, 14], // Gia Lai
  '52': [5, 14], // Bình Định
  '66': [4, 15], // Đắk Lắk
  '54': [5, 15], // Phú Yên
  '67': [3, 16], // Đắk Nông
  '68': [4, 16], // Lâm Đồng
  '56': [5, 16], // Khánh Hòa
  '70': [3, 17], // Bình Phước
  '75': [4, 17], // Đồng Nai
  '58': [5, 17], // Ninh Thuận
  '72': [2, 18], // Tây Ninh
  '74': [3, 18], // Bình Dương
  '60': [5, 18], // Bình Thuận
  '80': [2, 19], // Long An
  '79': [3, 19], // Hồ Chí Minh
  '77': [4, 19], // Bà Rịa - Vũng Tàu
  '87': [1, 20], // Đồng Tháp
  '82': [2, 20], // Tiền Giang
  '83': [3, 20], // Bến Tre
  '89': [0, 21], // An Giang
  '92': [1, 21], // Cần Thơ
  '86': [2, 21], // Vĩnh Long
  '84': [3, 21], // Trà Vinh
  '91': [0, 22], // Kiên Giang
  '93': [1, 22], // Hậu Giang
  '94': [2, 22], // Sóc Trăng
  '96': [0, 23], // Cà Mau
  '95': [1, 23], // Bạc Liêu
};

/** Names too long for a tile. */
const SHORT_NAMES: Record<string, string> = {
  '46': 'TT Huế',
  '77': 'BR - VT',
  '79': 'TP HCM',
};

export function tileLabel(code: string, name: string): string {
  return SHORT_NAMES[code] ?? name.replace(/^(Thành phố|Tỉnh)\s+/, '');
}

/** Grid cells (1-based, as CSS grid lines count) for the given codes: unknown ones fill rows below. */
export function placeTiles(codes: string[]): Map<string, { column: number; row: number }> {
  const placed = new Map<string, { column: number; row: number }>();
  let extra = 0;
  for (const code of codes) {
    const known = TILE_POSITIONS[code];
    if (known) placed.set(code, { column: known[0] + 1, row: known[1] + 1 });
    else {
      placed.set(code, {
        column: (extra % GRID_COLUMNS) + 1,
        row: GRID_ROWS + 1 + Math.floor(extra / GRID_COLUMNS),
      });
      extra++;
    }
  }
  return placed;
}
