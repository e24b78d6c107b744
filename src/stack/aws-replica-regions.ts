/**
 * Where the AWS state bucket is replicated to (S3 Cross-Region Replication):
 * a second region in the same country or the EU, so the copy stays under the
 * jurisdiction the user chose with the first. Regions without such a partner
 * (London, Zurich, São Paulo, ...) get none: the bootstrap's
 * state_replica_region variable sets one by hand.
 */
const REPLICA_REGION: Readonly<Record<string, string>> = {
  'us-east-1': 'us-west-2',
  'us-east-2': 'us-west-2',
  'us-west-1': 'us-west-2',
  'us-west-2': 'us-east-1',
  'ca-central-1': 'ca-west-1',
  'ca-west-1': 'ca-central-1',
  'eu-west-1': 'eu-central-1',
  'eu-central-1': 'eu-west-1',
  'eu-west-3': 'eu-central-1',
  'eu-north-1': 'eu-central-1',
  'eu-south-1': 'eu-central-1',
  'eu-south-2': 'eu-west-3',
  'ap-northeast-1': 'ap-northeast-3',
  'ap-northeast-3': 'ap-northeast-1',
  'ap-southeast-2': 'ap-southeast-4',
  'ap-southeast-4': 'ap-southeast-2',
  'ap-south-1': 'ap-south-2',
  'ap-south-2': 'ap-south-1',
};

/** The replica region of an AWS state bucket in `region`, or null when there is no partner. */
export function awsStateReplicaRegion(region: string): string | null {
  return REPLICA_REGION[region] ?? null;
}
