/** Types of bench/load-worker.mjs (plain JavaScript, so it runs as a worker thread without a loader). */
export interface LoadJob {
  url: string;
  method?: string;
  /** One entry per request: a GET has no body; `path` overrides the URL's path. */
  bodies: { auth: string; body?: string; path?: string }[];
  clients: number;
  headers: Record<string, string>;
  expect?: number;
}

export interface LoadResult {
  ms: number;
  failures: number;
  latencies: number[];
}

export function runLoad(job: LoadJob): Promise<LoadResult>;
