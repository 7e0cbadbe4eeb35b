/**
 * The time source, injected where code decides by "now" (tests pass a fixed or manual clock
 * instead of reaching for Date.now()).
 */
export interface Clock {
  /** Milliseconds since the epoch, like Date.now(). */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Epoch seconds of a clock (the unit storage uses). */
export function epochSeconds(clock: Clock): number {
  return clock.now() / 1000;
}
