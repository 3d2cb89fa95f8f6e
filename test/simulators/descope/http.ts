import { simulatorCaller } from "../http.ts";

export const projectId = "P2simulatedProject0000000001";
export const managementKey = "K2-management-key-secret";
export const authorization = `Bearer ${projectId}:${managementKey}`;

/** One request to the simulator, authenticated unless `headers` says otherwise. */
export const call = simulatorCaller({ authorization });
