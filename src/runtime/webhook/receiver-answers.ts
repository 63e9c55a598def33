import { CHECK_VERDICT } from "../../core/webhook/check-delivery";
import { DELIVERY_HEADER } from "../../core/webhook/receiver";
import type { HttpAnswer } from "./http/answers";

const RETRY_AFTER = { "Retry-After": "2" };

/** What alocity-webhook-in answers once it has decided a request (the route's own answers: ROUTE_ANSWERS). */
export const RECEIVER_ANSWERS = {
    accepted: { status: 200, body: "OK", headers: { [DELIVERY_HEADER]: "accepted" } },
    duplicate: { status: 200, body: "OK (already received)", headers: { [DELIVERY_HEADER]: "duplicate" } },
    check: { status: 200, body: "OK (check delivery verified, not sent on)", headers: { [DELIVERY_HEADER]: CHECK_VERDICT } },
    unauthorized: { status: 401, body: "Unauthorized" },
    cannotVerify: { status: 500, body: "Internal Server Error" },
    unsent: { status: 503, body: "Service Unavailable: the node closed before the event was sent on", headers: RETRY_AFTER },
    "redis-unreachable": {
        status: 503,
        body: "Service Unavailable: Redis unreachable, events are not taken until it is back",
        headers: RETRY_AFTER,
    },
    "claim-pending": {
        status: 503,
        body: "Service Unavailable: this delivery is being sent on by another receiver of the cluster, retry shortly",
        headers: RETRY_AFTER,
    },
    "cluster-missing": {
        status: 503,
        body: "Service Unavailable: the node's alocity-cluster config node is not deployed",
        headers: RETRY_AFTER,
    },
} satisfies Record<string, HttpAnswer>;
