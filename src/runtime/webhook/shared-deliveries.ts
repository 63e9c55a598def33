/**
 * alocity-webhook-in's side of its `cluster`: whether deliveries can be claimed now, the claims in Redis, and what
 * its status shows while Redis is not ready. A node without a cluster has none of this (and loads no Redis client).
 */
import type { VerifiedDelivery } from "../../core/webhook/receiver";
import type { ClusterState } from "../cluster/cluster-connection";
import type { ClusterChoice } from "../cluster/cluster-node";
import { SharedDeliveryClaims, type HeldClaim } from "../cluster/delivery-claims";
import { messagesOf, type NodeAPI, type NodeRedNode, type NodeStatus } from "../shared/node-red";

/** Why a receiver of a cluster takes no event now: its cluster node is not deployed, or Redis is not ready. */
export type SharedUnavailable = "cluster-missing" | "redis-unreachable";

/** What Redis said of a verified delivery; a claimed one comes with what settles its claim (see claim). */
export type SharedTake = { verdict: "done" | "pending" } | { verdict: "claimed"; settle: (sent: boolean) => Promise<boolean> };

export class SharedDeliveries {
    private readonly claims: SharedDeliveryClaims | undefined;
    private readonly stopWatching: () => void = () => undefined;
    private readonly t: ReturnType<typeof messagesOf>;

    /** `changed`: Redis became ready, or stopped being so (for the node's status). */
    constructor(
        RED: Pick<NodeAPI, "_">,
        private readonly choice: Exclude<ClusterChoice, { kind: "none" }>,
        private readonly node: Pick<NodeRedNode, "warn">,
        changed: () => void,
    ) {
        const t = messagesOf(RED, "alocity-webhook-in");
        this.t = t;
        if (choice.kind === "cluster") {
            this.claims = new SharedDeliveryClaims(choice.connection);
            this.stopWatching = choice.connection.onState(changed);
        }
    }

    /** Why no delivery can be claimed now; undefined when they can. */
    get unavailable(): SharedUnavailable | undefined {
        if (this.choice.kind === "missing") return "cluster-missing";
        return this.choice.connection.state === "ready" ? undefined : "redis-unreachable";
    }

    /** The status while Redis is not ready, else undefined. */
    status(): NodeStatus | undefined {
        if (this.choice.kind !== "cluster") return undefined;
        const state: ClusterState = this.choice.connection.state;
        if (state === "ready") return undefined;
        return state === "connecting"
            ? { fill: "yellow", shape: "ring", text: this.t("status.redis-connecting") }
            : { fill: "red", shape: "ring", text: this.t("status.redis-unreachable") };
    }

    /**
     * Claims a verified delivery to `path` (as served); rejects when Redis cannot answer. A delivery claimed comes with
     * what settles its claim once its message was sent on, or not: whether it was.
     */
    async claim(path: string, delivery: VerifiedDelivery, toleranceSeconds: number): Promise<SharedTake> {
        if (this.claims === undefined) throw new Error("no cluster");
        const taken = await this.claims.claim(path, delivery.timestamp, delivery.signature, toleranceSeconds);
        if (taken.verdict !== "claimed") return taken;
        return { verdict: "claimed", settle: (sent) => (sent ? this.handedOn(taken.claim, path) : this.withdraw(taken.claim)) };
    }

    /**
     * Marks a claim done once its message was handed on. When that fails (Redis just went down, or the claim had
     * expired and another receiver took it) the message was still sent: a warning says a repeat may be sent again.
     */
    private async handedOn(claim: HeldClaim, path: string): Promise<true> {
        let problem: string | undefined;
        try {
            if (!(await claim.handedOn())) problem = this.t("log.claim-taken");
        } catch (error) {
            problem = error instanceof Error ? error.message : String(error);
        }
        if (problem !== undefined) this.node.warn(this.t("log.claim-not-done", { path, error: problem }));
        return true;
    }

    /** Lets go of a claim whose message was not handed on (if Redis fails, the claim expires by itself). */
    private async withdraw(claim: HeldClaim): Promise<false> {
        await claim.withdraw().catch(() => undefined);
        return false;
    }

    close(): void {
        this.stopWatching();
        this.claims?.close();
    }
}
