/**
 * The second region of the GCP state bucket's configurable dual-region
 * (Cloud Storage replicates between the two itself): a region of the same
 * multi-region (US, EU, ASIA) and, where there is one, the same country.
 * Regions not listed keep a regional bucket; the bootstrap's
 * state_dual_region variable names a pair by hand.
 */
const PARTNER: Readonly<Record<string, string>> = {
  'us-central1': 'us-east1',
  'us-east1': 'us-central1',
  'us-east4': 'us-central1',
  'us-west1': 'us-central1',
  'europe-west1': 'europe-west4',
  'europe-west4': 'europe-west1',
  'europe-west3': 'europe-west4',
  'europe-north1': 'europe-west4',
  'asia-northeast1': 'asia-northeast2',
  'asia-northeast2': 'asia-northeast1',
};

/** The dual-region of a GCP state bucket in `region` (that region first), or an empty list for a regional bucket. */
export function gcpStateDualRegion(region: string): string[] {
  const partner = PARTNER[region];
  return partner === undefined ? [] : [region, partner];
}
