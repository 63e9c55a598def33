import { clockTime } from "../../core/shared/clock";
import { messagesOf, type NodeAPI, type NodeStatus } from "../shared/node-red";
import type { DeliveryReader } from "./delivery-reader";

/** What alocity-webhook-in's status tells while it serves its path: the last event, check and requests turned away. */
export class ReceiverActivity {
    lastEvent: { event: string; at: number } | undefined;
    /** When a check delivery (alocity-webhook check) was last verified, epoch ms, until the first event. */
    lastCheckAt: number | undefined;
    /** When a request last verified with the previous key (epoch ms), while the key is being rotated. */
    previousKeyUsedAt: number | undefined;
    rejected = 0;
    lastReason = "";
    lastWasRejected = false;
    private readonly t: ReturnType<typeof messagesOf>;

    constructor(
        RED: Pick<NodeAPI, "_">,
        private readonly reader: DeliveryReader,
        private readonly settings: { httpNodeAuth: boolean; timeCheckOff: boolean; path: () => string },
    ) {
        const t = messagesOf(RED, "alocity-webhook-in");
        this.t = t;
    }

    /** Counts a request turned away, by the node or by its route (413, 503). */
    turnedAway(reason: string): void {
        this.rejected++;
        this.lastReason = reason;
        this.lastWasRejected = true;
    }

    status(): NodeStatus {
        const { t, lastEvent, lastCheckAt, lastReason, reader } = this;
        const path = this.settings.path();
        const shown: NodeStatus = lastEvent
            ? { fill: "green", shape: "dot", text: t("status.event", { event: lastEvent.event, time: clockTime(lastEvent.at) }) }
            : this.settings.httpNodeAuth
              ? { fill: "yellow", shape: "ring", text: t("status.http-node-auth", { path }) }
              : { fill: "green", shape: "ring", text: t("status.listening", { path }) };
        if (this.settings.timeCheckOff) {
            shown.text += " " + t("status.time-check-off");
        }
        if (lastEvent === undefined) {
            shown.text += " " + (lastCheckAt === undefined ? t("status.waiting") : t("status.checked", { time: clockTime(lastCheckAt) }));
        }
        if (this.previousKeyUsedAt !== undefined) {
            shown.text += " " + t("status.previous-key", { time: clockTime(this.previousKeyUsedAt) });
        }
        if (this.rejected > 0) {
            shown.text += " " + t("status.rejected", { count: this.rejected, reason: t(`reason.${lastReason}`) });
            if (this.lastWasRejected) {
                shown.fill = "yellow";
            }
        }
        if (reader.warnings.count > 0) {
            shown.text += " " + t("status.warnings", { count: reader.warnings.count });
            shown.fill = "yellow";
        }
        if (reader.setting.errors.length > 0) {
            shown.text += " " + t("status.bad-fields", { keys: reader.setting.errors.map((error) => error.key).join(", ") });
            shown.fill = "red";
        }
        return shown;
    }
}
