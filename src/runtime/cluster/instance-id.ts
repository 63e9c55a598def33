import { randomUUID } from "crypto";

/** This Node-RED process among the instances of a cluster, as its claims and writes in Redis name it. */
export const INSTANCE_ID = randomUUID();
