/** What the manifest records of a document fetched from the web, so a verdict can be reproduced from a saved copy. */
export interface FetchRecord {
  url: string;
  finalUrl: string;
  status: number | null;
  contentType: string | null;
  bodySha256: string | null;
  bytes: number | null;
  fetchedAt: string;
}
