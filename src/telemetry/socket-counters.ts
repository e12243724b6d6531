/** One connection's activity, as channelz's SocketData reports it. */
export interface SocketStats {
  readonly streamsStarted: number;
  /** Client: streams that got their status (END_STREAM); server: streams that sent theirs. */
  readonly streamsSucceeded: number;
  readonly streamsFailed: number;
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly keepalivesSent: number;
  /** Epoch ms of the last stream this side (local) or the peer (remote) opened; undefined for none. */
  readonly lastLocalStreamAt: number | undefined;
  readonly lastRemoteStreamAt: number | undefined;
  readonly lastMessageSentAt: number | undefined;
  readonly lastMessageReceivedAt: number | undefined;
}

/** Counts one connection's streams and messages; read with stats(). */
export class SocketCounters {
  streamsStarted = 0;
  streamsSucceeded = 0;
  streamsFailed = 0;
  messagesSent = 0;
  messagesReceived = 0;
  keepalivesSent = 0;
  lastLocalStreamAt: number | undefined;
  lastRemoteStreamAt: number | undefined;
  lastMessageSentAt: number | undefined;
  lastMessageReceivedAt: number | undefined;

  /** A stream opened by this side (isLocal) or by the peer. */
  streamStarted(isLocal: boolean): void {
    this.streamsStarted++;
    if (isLocal) this.lastLocalStreamAt = Date.now();
    else this.lastRemoteStreamAt = Date.now();
  }

  streamEnded(isSuccess: boolean): void {
    if (isSuccess) this.streamsSucceeded++;
    else this.streamsFailed++;
  }

  messageSent(count = 1): void {
    this.messagesSent += count;
    this.lastMessageSentAt = Date.now();
  }

  messageReceived(): void {
    this.messagesReceived++;
    this.lastMessageReceivedAt = Date.now();
  }

  stats(): SocketStats {
    return {
      streamsStarted: this.streamsStarted,
      streamsSucceeded: this.streamsSucceeded,
      streamsFailed: this.streamsFailed,
      messagesSent: this.messagesSent,
      messagesReceived: this.messagesReceived,
      keepalivesSent: this.keepalivesSent,
      lastLocalStreamAt: this.lastLocalStreamAt,
      lastRemoteStreamAt: this.lastRemoteStreamAt,
      lastMessageSentAt: this.lastMessageSentAt,
      lastMessageReceivedAt: this.lastMessageReceivedAt,
    };
  }
}

// Socket counters cost a clock read per message; they run only while something reads them
// (the channelz service, enableSocketCounters), so an unobserved stream pays one boolean check.
let isCounting = false;

/** True while connections count their streams and messages. */
export function isCountingSockets(): boolean {
  return isCounting;
}

/** Starts counting streams and messages on every connection (the channelz service calls it). */
export function enableSocketCounters(): void {
  isCounting = true;
}
