/**
 * alocity-webhook-in's reading of its verified deliveries: by its Fields setting and the package's reading, sent on
 * in the order the requests were accepted, each warning told once per distinct set of field names, and each
 * delivery's summary handed to whoever keeps the last deliveries.
 */
import { fieldNamesOf, ReadingWarnings, type DeliveryReading, type ReadingWarning } from "../../core/webhook/delivery-reading";
import { eventMessage, type AlocityEventMessage } from "../../core/webhook/receiver";
import { InOrder } from "../../core/shared/in-order";
import { LogThrottle } from "../../core/shared/log-throttle";
import { messagesOf, type NodeAPI, type NodeRedNode } from "../shared/node-red";
import type { EventCode } from "../../core/events/catalogue";
import type { IdentifiedBy } from "../../core/events/event-shapes";
import type { EventFields } from "../../core/events/event-fields";
import { FieldSetting } from "./field-setting";

/** What was read in one delivery, for the editor's list of the last deliveries. */
export interface DeliverySummary {
    event: EventCode;
    identifiedBy: IdentifiedBy;
    fields: EventFields;
    /** The warnings, as the log words them (without the delivery's path and field names). */
    warnings: string[];
}

/**
 * An expression's failure on a delivery, without the delivery's values that JSONata's own words may quote ("Unable to
 * cast value to a number: ..."): its error code and position.
 */
export function expressionError(error: unknown): string {
    if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
        const position = "position" in error && typeof error.position === "number" ? ` at position ${error.position}` : "";
        return `JSONata error ${error.code}${position}`;
    }
    return error instanceof Error ? error.message : String(error);
}

export interface AcceptedDelivery {
    body: Record<string, unknown>;
    /** The signed timestamp, epoch s. */
    timestamp: number;
    /** Epoch ms. */
    receivedAt: number;
}

export class DeliveryReader {
    readonly setting: FieldSetting;
    readonly warnings = new ReadingWarnings();
    private readonly inOrder: InOrder;
    private readonly failures: LogThrottle;
    private readonly t: ReturnType<typeof messagesOf>;
    /** What tells each delivery still being read whether it was sent. */
    private readonly reading = new Set<(sent: boolean) => void>();
    private closed = false;

    constructor(
        RED: NodeAPI,
        private readonly node: NodeRedNode,
        savedFields: unknown,
        private readonly nodeEvent: string,
        private readonly path: () => string,
    ) {
        const t = messagesOf(RED, "alocity-webhook-in");
        this.t = t;
        this.setting = new FieldSetting(RED, node, savedFields);
        for (const error of this.setting.errors) {
            node.error(
                t("log.bad-field", { key: error.key, error: "problem" in error ? t(`field-problem.${error.problem}`) : error.error }),
            );
        }
        this.inOrder = new InOrder((error) => node.error(t("log.unsent-error", { path: path(), error: String(error) })));
        this.failures = new LogThrottle(
            (line) => node.error(line),
            (total, _counts, windowMs) => t("log.field-failed-summary", { count: total, seconds: windowMs / 1000, path: path() }),
        );
    }

    /**
     * Reads a delivery and calls `send` with its message, and what was read, once every delivery accepted before it
     * was sent. Whether it was sent: at once when its reading was, else once it is; false when the node closed
     * before its reading was done (it is then never sent).
     */
    accept(delivery: AcceptedDelivery, send: (message: AlocityEventMessage, summary: DeliverySummary) => void): boolean | Promise<boolean> {
        const failed = (key: string, error: unknown) =>
            this.failures.report(key, () => this.t("log.field-failed", { key, path: this.path(), error: expressionError(error) }));
        let sentAtOnce: boolean | undefined;
        let settle = (sent: boolean) => {
            sentAtOnce = sent;
        };
        this.inOrder.add(this.setting.read(delivery.body, this.nodeEvent, failed), (reading) => {
            let sent = false;
            try {
                if (!this.closed) {
                    const warnings = this.tell(reading, delivery.body);
                    const summary = { event: reading.event, identifiedBy: reading.identifiedBy, fields: reading.fields, warnings };
                    send(eventMessage(reading, delivery.timestamp, delivery.receivedAt), summary);
                    sent = true;
                }
            } finally {
                settle(sent);
            }
        });
        if (sentAtOnce !== undefined) {
            return sentAtOnce;
        }
        return new Promise((resolve) => {
            this.reading.add(resolve);
            settle = (sent) => {
                this.reading.delete(resolve);
                resolve(sent);
            };
        });
    }

    /** Sends nothing more: the deliveries still being read are never sent, and their requests hear so at once. */
    close(): void {
        this.closed = true;
        for (const resolve of this.reading) {
            resolve(false);
        }
        this.reading.clear();
        this.failures.flush();
    }

    /** Logs the reading's warnings, if their set of field names is new; returns them as the log words them. */
    private tell(reading: DeliveryReading, body: Record<string, unknown>): string[] {
        const warnings = reading.warnings.map((warning) => this.describe(warning));
        const met = this.warnings.meet(reading, body);
        if (met === "tell") {
            this.node.warn(
                this.t("log.reading", {
                    path: this.path(),
                    event: reading.event,
                    by: reading.identifiedBy,
                    names: fieldNamesOf(body).join(", "),
                    warnings: warnings.join("; "),
                }),
            );
        } else if (met === "full") {
            this.node.warn(this.t("log.reading-full", { path: this.path() }));
        }
        return warnings;
    }

    private describe(warning: ReadingWarning): string {
        return this.t(`warning.${warning.kind}`, { setting: warning.setting });
    }
}
