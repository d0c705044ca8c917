import fc from 'fast-check';
import { pickDistinct, randomInt, seededRandom } from '../src';

describe('seeded randomness', () => {
  it('repeats itself for a seed and differs between seeds', () => {
    const take = (seed: number) => Array.from({ length: 20 }, seededRandom(seed));
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
  });

  it('stays in [0, 1), and integers in their bounds', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        (seed, min, span) => {
          const random = seededRandom(seed);
          const x = random();
          expect(x >= 0 && x < 1).toBe(true);
          const n = randomInt(random, min, min + span);
          expect(n >= min && n <= min + span && Number.isInteger(n)).toBe(true);
        },
      ),
    );
  });

  it('picks distinct items', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.uniqueArray(fc.integer(), { maxLength: 30 }),
        fc.nat(40),
        (seed, items, count) => {
          const picked = pickDistinct(seededRandom(seed), items, count);
          expect(picked.length).toBe(Math.min(count, items.length));
          expect(new Set(picked).size).toBe(picked.length);
          expect(picked.every((p) => items.includes(p))).toBe(true);
        },
      ),
    );
  });
});
