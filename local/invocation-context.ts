import { AsyncLocalStorage } from "node:async_hooks";

/** The sync invocation the current async context runs in, to tell a killed one's later I/O apart. */
const invocationContext = new AsyncLocalStorage<{ killed: boolean }>();

/** Runs `handle` as an invocation whose `killed` flag its I/O (and everything it awaits) can read. */
export const runInvocation = <T>(invocation: { killed: boolean }, handle: () => T): T =>
  invocationContext.run(invocation, handle);

/**
 * Whether the calling code runs inside an invocation that `SqsPoller.kill()` killed. A dead sandbox does
 * no more I/O: adapters (or a test wrapping them) refuse it when this is true, so a killed handler stops
 * at its next call, while requests it had already sent still reach their target.
 */
export const inKilledInvocation = (): boolean => invocationContext.getStore()?.killed === true;
