import { MemoryAuditTrail } from "../../local/memory-audit-trail.ts";
import { describeAuditTrailContract } from "./audit-trail-contract.ts";

describeAuditTrailContract("MemoryAuditTrail", (now) => new MemoryAuditTrail({ retentionDays: 30, now }));
