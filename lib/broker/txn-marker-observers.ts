/**
 * Who learns that a transaction marker (commit or abort) landed on a partition this broker leads.
 * The WriteTxnMarkers handler announces each written marker; the group coordinator listens so a
 * transaction's pending offsets become visible (commit) or are dropped (abort) once the marker
 * reaches their `__consumer_offsets` partition, as Kafka's GroupCoordinator.scheduleHandleTxnCompletion.
 */
export interface TxnMarkerWritten {
  readonly topic: string;
  readonly partition: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly committed: boolean;
  /** Offset of the control batch in the partition's log. */
  readonly offset: number;
}

export type TxnMarkerObserver = (marker: TxnMarkerWritten) => void;

export class TxnMarkerObservers {
  private readonly observers: TxnMarkerObserver[] = [];

  subscribe(observer: TxnMarkerObserver): void {
    this.observers.push(observer);
  }

  /** Observers run synchronously in subscription order; one that throws does not stop the others. */
  notify(marker: TxnMarkerWritten, onError: (err: unknown) => void): void {
    for (const observer of this.observers) {
      try {
        observer(marker);
      } catch (err) {
        onError(err);
      }
    }
  }
}
