import { describe, expect, it } from 'vitest';
import { broadcastPlan } from './broadcast.js';

describe('broadcastPlan', () => {
  it('pads to one rank, broadcasts size-1 axes and gives them stride 0', () => {
    expect(broadcastPlan([4, 1, 3], [5, 1], 0)).toEqual({
      rank: 3,
      outShape: [4, 5, 3],
      stridesA: [3, 0, 1],
      stridesB: [0, 1, 0],
    });
    expect(broadcastPlan([2, 3], [2, 3], 0)).toEqual({ rank: 2, outShape: [2, 3], stridesA: [3, 1], stridesB: [3, 1] });
  });

  it('lets scalars through as rank minRank', () => {
    expect(broadcastPlan([], [], 1)).toEqual({ rank: 1, outShape: [1], stridesA: [0], stridesB: [0] });
    expect(broadcastPlan([], [3], 0)).toEqual({ rank: 1, outShape: [3], stridesA: [0], stridesB: [1] });
  });

  it('gives null for shapes that do not broadcast and for more than 8 axes', () => {
    expect(broadcastPlan([2, 3], [3, 2], 0)).toBeNull();
    expect(
      broadcastPlan(
        Array.from({ length: 9 }, () => 2),
        [2],
        0,
      ),
    ).toBeNull();
  });
});
