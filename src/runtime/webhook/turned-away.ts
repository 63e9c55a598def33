import { DEFAULT_MAX_BYTES } from "../../core/webhook/body-limit";
import type { LogThrottle } from "../../core/shared/log-throttle";
import { messagesOf, type NodeAPI } from "../shared/node-red";
import { ROUTE_ANSWERS, type HttpAnswer } from "./http/answers";
import type { PathOwner, TurnedAway } from "./path-owners";
import { rejectionLog } from "./rejection-log";

/** The answers the route gives, and warns of, when it turns a request away itself. */
export const TURNED_AWAY_ANSWERS: Record<TurnedAway, HttpAnswer> = {
    "too-large": ROUTE_ANSWERS.tooLarge,
    busy: ROUTE_ANSWERS.busy,
    deploying: ROUTE_ANSWERS.deploying,
    stopped: ROUTE_ANSWERS.stopped,
};

/** The bounds the warnings name, so that a person knows what was exceeded. */
export interface RouteBounds {
    /** Node-RED's apiMaxLength, the most maxBytes may be. */
    ceiling: number;
    /** Bodies read at once per path. */
    reads: number;
    /** Requests held per path during a deploy, and for how long (s). */
    waiting: number;
    seconds: number;
}

/** The warnings of one path for the requests its route turns away itself (413, 503), throttled as the node's 401s. */
export class TurnedAwayWarnings {
    private readonly log: LogThrottle;
    private readonly t: ReturnType<typeof messagesOf>;

    constructor(
        host: Pick<NodeAPI, "log" | "_">,
        private readonly path: string,
        private readonly bounds: RouteBounds,
    ) {
        this.t = messagesOf(host, "alocity-webhook-in");
        this.log = rejectionLog(
            host,
            (line) => host.log.warn(line),
            () => path,
        );
    }

    /** Warns why, naming the path and the bound to change; the node claiming the path counts it in its status. */
    report(reason: TurnedAway, claimant: PathOwner | undefined): void {
        this.log.report(reason, () =>
            this.t(`log.${reason}`, { path: this.path, maxBytes: claimant?.maxBytes ?? DEFAULT_MAX_BYTES, ...this.bounds }),
        );
        claimant?.turnedAway(reason);
    }
}
