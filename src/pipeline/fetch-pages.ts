/** The pipeline's first step for `https://` paths: the guarded HTTP client, made here, hands each page to extract/fetch-document.ts. */
import type { Limits } from '../core/limits.js';
import { PledgeError } from '../core/reasons.js';
import { checkDocumentUrl, fetchDocument, isDocumentUrl, type FetchedDocument } from '../extract/fetch-document.js';

/** The guarded client's settings a run already has: its named hosts, proxy, deadline and user agent. */
export interface FetchSettings {
  offline: boolean;
  /** Ctrl-C: a fetch in flight stops too. */
  signal?: AbortSignal;
  userAgent: string;
  allowedHosts: string[];
  env?: Record<string, string | undefined>;
  requestTimeoutMs?: number;
}

/**
 * The URLs among a run's paths, each fetched once, in turn (each request tells the host what is
 * being checked). `--offline` refuses them before any request: it promises no network at all.
 */
export async function fetchDocuments(paths: string[], settings: FetchSettings | undefined, limits: Limits): Promise<Map<string, FetchedDocument>> {
  const urls = [...new Set(paths.filter(isDocumentUrl))];
  const fetched = new Map<string, FetchedDocument>();
  if (!urls.length) return fetched;
  for (const url of urls) checkDocumentUrl(url);
  if (!settings || settings.offline) throw new PledgeError('usage', `--offline makes no network request: it cannot fetch ${urls[0]} (save the page and verify the file instead)`);
  const { createHttpClient } = await import('../discovery/http-client.js');
  const http = createHttpClient({
    userAgent: settings.userAgent,
    allowedHosts: settings.allowedHosts,
    ...(settings.env ? { env: settings.env } : {}),
    ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
    maxResponseBytes: limits.maxDocumentBytes,
    maxRetries: 0,
    ...(settings.signal ? { runSignal: settings.signal } : {}),
  });
  try {
    for (const url of urls) fetched.set(url, await fetchDocument(url, http, limits));
  } finally {
    await http.close();
  }
  return fetched;
}
