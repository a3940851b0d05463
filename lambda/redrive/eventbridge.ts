import { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** Publishes one event. PutEvents answers 200 with a failed entry when it refuses one: that is thrown too. */
export async function putEvent(client: EventBridgeClient, entry: PutEventsRequestEntry, abortSignal: AbortSignal): Promise<void> {
  const result = await client.send(new PutEventsCommand({ Entries: [entry] }), { abortSignal });
  if (result.FailedEntryCount) {
    const [failed] = result.Entries ?? [];
    throw Object.assign(new Error(failed?.ErrorMessage ?? 'PutEvents rejected the entry'), { name: failed?.ErrorCode ?? 'FailedEntry' });
  }
}
