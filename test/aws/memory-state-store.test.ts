import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { describeStateStoreContract } from "./state-store-contract.ts";

describeStateStoreContract("MemoryStateStore", () => new MemoryStateStore());
