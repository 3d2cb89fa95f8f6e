import { randomUUID } from "node:crypto";
import type { UserChange } from "../shared/model/change.ts";
import type { ChangeQueue, DeadLetter, DeadLetterSink, MessageVisibility } from "../shared/sync/ports.ts";
import { inKilledInvocation } from "./invocation-context.ts";

export interface QueueOptions {
  /** Receives after which a message moves to the dead-letter queue, as SQS maxReceiveCount. */
  maxReceiveCount: number;
  /** How long a received message stays invisible before it is delivered again. */
  visibilityTimeoutMs: number;
}

export interface QueueMessage {
  messageId: string;
  body: string;
  receiveCount: number;
  /**
   * Names this receive of the message, as an SQS receipt handle does: `<messageId>#<receiveCount>`. A
   * visibility change through the handle of an earlier receive is ignored (the message was delivered
   * again since), so a worker that was killed or outlived its visibility timeout cannot hide a message
   * another worker now holds. A bare message id still addresses the message whatever its receive.
   */
  receiptHandle: string;
}

export interface DeadLetteredMessage {
  messageId: string;
  body: string;
  reason: string;
  provider?: string;
}

interface Stored extends Omit<QueueMessage, "receiptHandle"> {
  visibleAt: number;
}

/**
 * An in-memory standard queue with the SQS semantics the sync worker relies on: batches, visibility timeout,
 * redelivery of what was not deleted, and a dead-letter queue after maxReceiveCount receives.
 */
export class MemoryQueue implements ChangeQueue {
  readonly #messages = new Map<string, Stored>();
  readonly deadLetters: DeadLetteredMessage[] = [];
  /** Receives of a message that had been received before (SQS redeliveries: retries, timeouts, kills). */
  redeliveries = 0;
  #options: QueueOptions;
  readonly #now: () => number;

  constructor(options: QueueOptions, now: () => number = Date.now) {
    this.#options = options;
    this.#now = now;
  }

  /** Changes options while running, e.g. a visibility timeout shorter than configuration allows (tests). */
  configure(options: Partial<QueueOptions>): void {
    this.#options = { ...this.#options, ...options };
  }

  async send(changes: readonly UserChange[]): Promise<string[]> {
    for (const change of changes) this.sendRaw(JSON.stringify(change));
    return [];
  }

  sendRaw(body: string): void {
    const messageId = randomUUID();
    this.#messages.set(messageId, { messageId, body, receiveCount: 0, visibleAt: this.#now() });
  }

  /** Dead-letter sink of the sync worker: permanent failures go straight to the DLQ with their reason. */
  readonly deadLetterSink: DeadLetterSink = {
    send: async (letters: readonly DeadLetter[]) => {
      if (inKilledInvocation()) throw new Error("the invocation was killed");
      for (const letter of letters) this.deadLetters.push({ messageId: randomUUID(), ...letter });
    },
  };

  /** Receives up to `max` visible messages, hiding them for the visibility timeout. */
  receive(max: number): QueueMessage[] {
    const now = this.#now();
    const batch: QueueMessage[] = [];
    for (const message of this.#messages.values()) {
      if (batch.length >= max) break;
      if (message.visibleAt > now) continue;
      if (message.receiveCount >= this.#options.maxReceiveCount) {
        this.#messages.delete(message.messageId);
        this.deadLetters.push({
          messageId: message.messageId,
          body: message.body,
          reason: `not applied after ${message.receiveCount} receives`,
        });
        continue;
      }
      message.receiveCount += 1;
      if (message.receiveCount > 1) this.redeliveries += 1;
      message.visibleAt = now + this.#options.visibilityTimeoutMs;
      batch.push({
        messageId: message.messageId,
        body: message.body,
        receiveCount: message.receiveCount,
        receiptHandle: `${message.messageId}#${message.receiveCount}`,
      });
    }
    return batch;
  }

  delete(messageIds: Iterable<string>): void {
    for (const messageId of messageIds) this.#messages.delete(messageId);
  }

  /** SQS ChangeMessageVisibility; the receipt handle of a local message is its id. */
  readonly visibility: MessageVisibility = {
    delay: async (messages) => {
      if (inKilledInvocation()) throw new Error("the invocation was killed");
      for (const { receiptHandle, delaySeconds } of messages) {
        const [messageId = "", receive] = receiptHandle.split("#");
        const message = this.#messages.get(messageId);
        if (!message || (receive !== undefined && Number(receive) !== message.receiveCount)) continue;
        message.visibleAt = this.#now() + delaySeconds * 1000;
      }
    },
  };

  visibleCount(): number {
    const now = this.#now();
    let count = 0;
    for (const message of this.#messages.values()) if (message.visibleAt <= now) count += 1;
    return count;
  }

  /** Messages received and not yet visible again (held by a worker, or delayed for a retry). */
  invisibleCount(): number {
    return this.depth - this.visibleCount();
  }

  /** Messages not yet deleted: visible or in flight. */
  get depth(): number {
    return this.#messages.size;
  }

  /** Moves the oldest `max` dead letters back to the queue (the local redrive) and returns them. */
  redrive(max = Number.POSITIVE_INFINITY): DeadLetteredMessage[] {
    const letters = this.deadLetters.splice(0, Math.min(max, this.deadLetters.length));
    for (const letter of letters) this.sendRaw(letter.body);
    return letters;
  }
}
