import { MemoryStateStore } from "../../local/memory-state-store.ts";
import { describeLoginIdClaimsContract } from "./login-id-claims-contract.ts";
import { describeStateStoreContract } from "./state-store-contract.ts";

describeStateStoreContract("MemoryStateStore", () => new MemoryStateStore());
describeLoginIdClaimsContract("MemoryStateStore", () => new MemoryStateStore());
