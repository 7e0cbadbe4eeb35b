/** The clock services read "now" from: injected, so tests and jobs can fix it. Pure. */

/** Now, as UNIX epoch seconds (with fractions). */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now() / 1000;
