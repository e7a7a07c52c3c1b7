// Current exposure segments and first-event sampling under piecewise-constant hazards.
import { describe, expect, it } from 'vitest';
import { exposureSegments, firstEventDay } from '../../src/simulate/exposure.js';

const disp = (day: number, drugClass: string, supplyDays: number) => ({ day, drugClass, supplyDays });

describe('exposureSegments', () => {
  it('is current from the dispensing day to supply + grace (end excluded), then unexposed', () => {
    // Day 10: 30 days of A, grace 5 → current A on days 10..44.
    expect(exposureSegments([disp(10, 'A', 30)], 5, 0, 100)).toEqual([
      { start: 0, end: 10, state: 0 },
      { start: 10, end: 45, state: 1 },
      { start: 45, end: 100, state: 0 },
    ]);
  });

  it('merges overlapping refills of a class into one current span', () => {
    expect(exposureSegments([disp(0, 'B', 28), disp(25, 'B', 28), disp(90, 'B', 28)], 0, 0, 200)).toEqual([
      { start: 0, end: 53, state: 2 },
      { start: 53, end: 90, state: 0 },
      { start: 90, end: 118, state: 2 },
      { start: 118, end: 200, state: 0 },
    ]);
  });

  it('gives a switch to the class dispensed most recently while both are current', () => {
    // A on day 0 (30 days + 10 grace → until 40), B on day 20: B from day 20, and stays B after A ends.
    expect(exposureSegments([disp(0, 'A', 30), disp(20, 'B', 30)], 10, 0, 100)).toEqual([
      { start: 0, end: 20, state: 1 },
      { start: 20, end: 60, state: 2 },
      { start: 60, end: 100, state: 0 },
    ]);
    // B's supply ends while an earlier, longer A supply still runs: back to A.
    expect(exposureSegments([disp(0, 'A', 90), disp(10, 'B', 20)], 0, 0, 100)).toEqual([
      { start: 0, end: 10, state: 1 },
      { start: 10, end: 30, state: 2 },
      { start: 30, end: 90, state: 1 },
      { start: 90, end: 100, state: 0 },
    ]);
  });

  it('ignores other drug classes and clips to the window', () => {
    expect(exposureSegments([disp(-20, 'A', 30), disp(5, 'other', 90)], 0, 0, 50)).toEqual([
      { start: 0, end: 10, state: 1 },
      { start: 10, end: 50, state: 0 },
    ]);
    expect(exposureSegments([], 30, 5, 5)).toEqual([]);
  });
});

describe('firstEventDay', () => {
  it('finds the day where the cumulative hazard reaches the exponential draw', () => {
    const pieces = [
      { start: 0, end: 10, ratePerDay: 0.1 },
      { start: 10, end: 20, ratePerDay: 0 },
      { start: 20, end: 30, ratePerDay: 0.5 },
    ];
    expect(firstEventDay(pieces, 0.05)).toBe(0);
    expect(firstEventDay(pieces, 0.55)).toBe(5);
    // Cumulative hazard is 1 at day 10 and stays 1 until day 20 (rate 0): a draw of 2 lands 2 days into the last piece.
    expect(firstEventDay(pieces, 2)).toBe(22);
    expect(firstEventDay(pieces, 6.5)).toBeNull();
  });
});
