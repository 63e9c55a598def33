import { POSITION_LISTS, type PositionField } from "../../core/device-state/config";
import type { DeviceNotice, DeviceStatus } from "../../core/device-state/fleet";
import { UnlistedValues } from "../../core/device-state/unlisted-values";
import { LogThrottle } from "../../core/shared/log-throttle";
import { messagesOf, type NodeAPI, type NodeRedNode, type NodeStatus } from "../shared/node-red";
import { ThrottledStatus } from "../shared/throttled-status";

/** What a `get` or `forget` names: a serial number or name, as text (a number is the serial number written out). */
export function deviceQuery(payload: unknown): string | undefined {
    const query = typeof payload === "number" && Number.isFinite(payload) ? String(payload) : payload;
    return typeof query === "string" && query.trim() !== "" ? query : undefined;
}

export function isCommand(msg: Record<string, unknown>): boolean {
    return msg.topic === "get" || msg.topic === "forget";
}

/** What a value is, in a log line. */
function typeName(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    return typeof value === "object" ? "an object" : typeof value;
}

/**
 * What an alocity-device-state node shows and logs of its records, whichever way it keeps them (a context store, or
 * a cluster's Redis): its status (counts, unlisted values) and its throttled warnings.
 */
export class DeviceStateView {
    readonly status: ThrottledStatus;
    readonly warnings: LogThrottle;
    private readonly unlisted = new UnlistedValues();
    private shown: { counts: DeviceStatus; unlisted: UnlistedValues["last"] } | undefined;
    private readonly t: ReturnType<typeof messagesOf>;

    constructor(
        private readonly node: NodeRedNode,
        RED: Pick<NodeAPI, "_">,
    ) {
        const t = messagesOf(RED, "alocity-device-state");
        this.t = t;
        this.status = new ThrottledStatus(node);
        this.warnings = new LogThrottle(
            (line) => node.warn(line),
            (total, _counts, windowMs) => t("log.warnings-summary", { count: total, seconds: windowMs / 1000 }),
        );
    }

    /** Shows the counts, unless they (and the last unlisted value) are shown already. */
    showCounts(counts: DeviceStatus): void {
        const shown = this.shown;
        const same =
            shown?.counts.devices === counts.devices &&
            shown.counts.openDoors === counts.openDoors &&
            shown.counts.alarms === counts.alarms &&
            shown.unlisted === this.unlisted.last;
        if (!same) {
            this.shown = { counts, unlisted: this.unlisted.last };
            this.status.show(() => this.statusOf(counts));
        }
    }

    /** Shows another status (loading, a store or Redis that does not answer): the counts are shown again after it. */
    showProblem(status: NodeStatus): void {
        this.shown = undefined;
        this.status.show(() => status);
    }

    /** Tells the user what applying an event to a device noticed. */
    tell(serialNumber: string, notices: readonly DeviceNotice[], counts: () => DeviceStatus): void {
        const t = this.t;
        for (const notice of notices) {
            if (notice.kind === "no-result") {
                this.node.debug(t("log.no-result", { serial: serialNumber }));
                continue;
            }
            const { field, value } = notice;
            const met = this.unlisted.meet(field, value);
            if (met === "new") {
                this.node.warn(this.unlistedLine(serialNumber, field, value));
            } else if (met === "full") {
                this.warnings.report("unlisted", () => this.unlistedLine(serialNumber, field, value));
            }
            this.showCounts(counts());
        }
    }

    /** The device a `forget` names; undefined (with a warning) when it names none. */
    forgetQuery(payload: unknown): string | undefined {
        const query = deviceQuery(payload);
        if (query === undefined) {
            this.warnings.report("forget-not-a-name", () => this.t("log.forget-not-a-name", { type: typeName(payload) }));
        }
        return query;
    }

    forgetUnknown(query: string): void {
        this.warnings.report("forget-unknown", () => this.t("log.forget-unknown", { query }));
    }

    notAnEvent(): void {
        this.warnings.report("not-an-event", () => this.t("log.not-an-event"));
    }

    close(): void {
        this.status.stop();
        this.warnings.flush();
    }

    private statusOf({ devices, openDoors, alarms }: DeviceStatus): NodeStatus {
        const t = this.t;
        const summary = t("status.summary", {
            devices: t(devices === 1 ? "status.devices-one" : "status.devices-other", { count: devices }),
            open: t("status.open", { count: openDoors }),
            alarms: t(alarms === 1 ? "status.alarms-one" : "status.alarms-other", { count: alarms }),
        });
        const last = this.unlisted.last;
        if (last === undefined) {
            return { fill: alarms > 0 ? "red" : "green", shape: "dot", text: summary };
        }
        const note =
            this.unlisted.size > 1
                ? t("status.unlisted-other", { count: this.unlisted.size })
                : t("status.unlisted-one", { field: last.field, value: last.value });
        return { fill: alarms > 0 ? "red" : "yellow", shape: "dot", text: `${summary} · ${note}` };
    }

    /** The log line for a value nobody listed: the value, and the properties to add it to. */
    private unlistedLine(serialNumber: string, field: PositionField, value: string | number): string {
        const [first, second] = POSITION_LISTS[field];
        const node = this.node;
        return this.t("log.unlisted", {
            serial: serialNumber,
            field,
            value: JSON.stringify(value),
            first,
            second,
            node: node.name || node.id,
        });
    }
}
