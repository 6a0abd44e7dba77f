/**
 * Smooth weighted round-robin, as nginx's upstream module does it: every item gains its weight,
 * the richest is picked and pays the total back. Over any run of picks the shares follow the
 * weights within one pick (no random drift, no RNG per request); picks of one item are spread
 * out, not bunched. Items that are not eligible right now (no replica up) are skipped, so the
 * others share their traffic.
 */
export class WeightedPicker<T> {
  private readonly credit: Float64Array;

  constructor(
    readonly items: readonly T[],
    private readonly weights: readonly number[],
  ) {
    this.credit = new Float64Array(items.length);
  }

  pick(eligible: (item: T) => boolean): T | undefined {
    let best = -1;
    let total = 0;
    for (let i = 0; i < this.items.length; i++) {
      if (!eligible(this.items[i])) continue;
      this.credit[i] += this.weights[i];
      total += this.weights[i];
      if (best < 0 || this.credit[i] > this.credit[best]) best = i;
    }
    if (best < 0) return undefined;
    this.credit[best] -= total;
    return this.items[best];
  }
}
