// wakatime-client ships no types; the tests use it as its README documents.
declare module 'wakatime-client' {
  /* eslint-disable @typescript-eslint/no-explicit-any */
  export const RANGE: Record<'LAST_7_DAYS' | 'LAST_30_DAYS' | 'LAST_6_MONTHS' | 'LAST_YEAR', string>;
  export class WakaTimeClient {
    constructor(apiKey: string, baseURL?: string);
    [method: string]: (...args: any[]) => Promise<any>;
  }
}
