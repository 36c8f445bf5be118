import { message, type Message } from '../i18n.js';

/** Bound: an operations center runs for months; red and orange events are a few a day. */
const KEPT = 2_000;

export interface EventAck {
  event: string;
  by: string;
  atMs: number;
  /** The hazard case raised from the event, when it was turned into one. */
  hazard: string | null;
}

/**
 * Which red and orange city events an operator has handled (acknowledged, or turned into a hazard
 * case), from the OPS stream like every other action: every wall releases its takeover of the event
 * when a console has handled it, and the audit trail says who did it and when.
 */
export class EventAcks {
  private readonly byEvent = new Map<string, EventAck>();

  /** The first acknowledgement counts; a second is refused and says who was first. */
  acknowledge(event: string, by: string, atMs: number, hazard: string | null = null): Message | null {
    const had = this.byEvent.get(event);
    if (had) {
      if (hazard !== null && had.hazard === null) had.hazard = hazard;
      return hazard !== null ? null : message('msg_event_acked', { by: had.by });
    }
    this.byEvent.set(event, { event, by, atMs, hazard });
    if (this.byEvent.size > KEPT) this.byEvent.delete(this.byEvent.keys().next().value as string);
    return null;
  }

  get(event: string): EventAck | undefined {
    return this.byEvent.get(event);
  }

  /** The newest first, at most `limit`. */
  recent(limit: number): EventAck[] {
    return [...this.byEvent.values()].slice(-limit).reverse();
  }
}
