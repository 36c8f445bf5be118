/** Where the simulator (or a test) sends city messages: NATS or the in-process demo feed. */
export interface FeedPublisher {
  publish(subject: string, data: Uint8Array, msgId?: string): void | Promise<void>;
  flush(): Promise<void>;
}
