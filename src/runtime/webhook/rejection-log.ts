import { LogThrottle } from "../../core/shared/log-throttle";
import { messagesOf, type NodeAPI } from "../shared/node-red";

/**
 * The log of the requests a path turns away (401, 400, 413, 503): the first few lines of each window as they come,
 * the rest in one summary that counts them by reason.
 */
export function rejectionLog(RED: Pick<NodeAPI, "_">, write: (line: string) => void, path: () => string): LogThrottle {
    const t = messagesOf(RED, "alocity-webhook-in");
    return new LogThrottle(write, (total, counts, windowMs) =>
        t("log.summary", {
            count: total,
            path: path(),
            seconds: windowMs / 1000,
            reasons: [...counts].map(([reason, count]) => `${t(`reason.${reason}`)} ${count}`).join(", "),
        }),
    );
}
