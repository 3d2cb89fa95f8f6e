import { MemoryDeprovisioningHolds } from "../../shared/sync/memory-deprovisioning-holds.ts";
import { describeDeprovisioningHoldsContract } from "./deprovisioning-holds-contract.ts";

describeDeprovisioningHoldsContract("MemoryDeprovisioningHolds", (now) => new MemoryDeprovisioningHolds(now));
