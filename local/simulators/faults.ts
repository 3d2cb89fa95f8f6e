import * as z from "zod/mini";
import "../../shared/model/schema-messages.ts";

/** Switchable misbehaviour, drawn per request from a seeded generator so a run can be replayed. */
export interface Faults {
  /** Share of requests answered 500 without taking effect. */
  errorRate: number;
  /** Share of requests answered 429 (with Retry-After `retryAfterSeconds`) without taking effect. */
  rateLimitRate: number;
  /** Share of requests that take effect but are never answered (the client times out). */
  timeoutRate: number;
  /** Delay before every answer. */
  latencyMs: number;
  /** 429 bodies are plain text, as an edge proxy would send, instead of the provider's JSON. */
  nonJson429: boolean;
  retryAfterSeconds: number;
}

export const noFaults: Faults = {
  errorRate: 0,
  rateLimitRate: 0,
  timeoutRate: 0,
  latencyMs: 0,
  nonJson429: false,
  retryAfterSeconds: 1,
};

/** The `/_sim/faults` body for `Faults`; a simulator with more switches extends it. */
export const faultsShape = {
  errorRate: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  rateLimitRate: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  timeoutRate: z.optional(z.number().check(z.minimum(0), z.maximum(1))),
  latencyMs: z.optional(z.int().check(z.minimum(0), z.maximum(60_000))),
  nonJson429: z.optional(z.boolean()),
  retryAfterSeconds: z.optional(z.int().check(z.minimum(0), z.maximum(3600))),
};

export type FaultDraw = "timeout" | "error" | "rateLimit" | undefined;

/** The fault settings of one simulator and the seeded draws they are applied with. */
export class FaultSwitch<F extends Faults = Faults> {
  readonly #defaults: F;
  readonly #schema: z.ZodMiniType<Partial<F>>;
  readonly #seed: number;
  #current: F;
  #random: () => number;

  constructor(options: { defaults: F; schema: z.ZodMiniType<Partial<F>>; seed: number }) {
    this.#defaults = options.defaults;
    this.#schema = options.schema;
    this.#seed = options.seed;
    this.#current = options.defaults;
    this.#random = seededRandom(options.seed);
  }

  get current(): F {
    return this.#current;
  }

  /** Replaces the settings (unset ones off) and restarts the seeded draws. */
  set(partial: Partial<F>): void {
    this.#current = { ...this.#defaults, ...partial };
    this.#random = seededRandom(this.#seed);
  }

  /** Sets from a `/_sim/faults` body; answers what is wrong with it instead when it is invalid. */
  setFromJson(json: unknown): { error: string } | undefined {
    const parsed = this.#schema.safeParse(json);
    if (!parsed.success) return { error: z.prettifyError(parsed.error) };
    this.set(parsed.data);
    return undefined;
  }

  /** The fault of the next request, if any. */
  draw(): FaultDraw {
    return drawFault(this.#current, this.#random);
  }
}

/** Picks at most one fault per request: a single draw is split into timeout, error and rate-limit shares. */
export function drawFault(faults: Faults, random: () => number): FaultDraw {
  if (faults.timeoutRate + faults.errorRate + faults.rateLimitRate === 0) return undefined;
  const draw = random();
  if (draw < faults.timeoutRate) return "timeout";
  if (draw < faults.timeoutRate + faults.errorRate) return "error";
  if (draw < faults.timeoutRate + faults.errorRate + faults.rateLimitRate) return "rateLimit";
  return undefined;
}

/** mulberry32: small, fast and good enough to make fault runs repeatable. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
