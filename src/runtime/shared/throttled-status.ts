import type { NodeRedNode, NodeStatus } from "./node-red";
import { timerDelay } from "../../core/shared/timers";

/**
 * Shows a node's status without costing a status event (or a translated text) per request: the first change shows
 * at once, later ones at most once per interval, the last one always. The status is worked out only when shown.
 */
export class ThrottledStatus {
    private pending: (() => NodeStatus) | undefined;
    private timer: NodeJS.Timeout | undefined;

    constructor(
        private readonly node: NodeRedNode,
        private readonly intervalMs = 500,
    ) {}

    show(status: () => NodeStatus): void {
        if (this.timer !== undefined) {
            this.pending = status;
            return;
        }
        this.node.status(status());
        this.timer = setTimeout(() => this.showPending(), timerDelay(this.intervalMs));
        this.timer.unref();
    }

    stop(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.pending = undefined;
    }

    private showPending(): void {
        this.timer = undefined;
        const status = this.pending;
        this.pending = undefined;
        if (status !== undefined) {
            this.show(status);
        }
    }
}
