/**
 * The delivery memory the receivers of a cluster share in Redis: one key per delivery,
 * `<prefix>:delivery:<served path>:<t>:<sig>`, claimed atomically by the first receiver that verifies it (`pending:<its
 * instance id>`, expiring within seconds unless renewed while the message is read) and marked `done` once the message
 * is handed on, remembered then as long as a receiver's own memory would (retentionSeconds).
 */
import type { ClaimVerdict } from "../../core/webhook/receiver";
import { retentionSeconds } from "../../core/webhook/delivery-memory";
import type { ClusterConnection } from "./cluster-connection";
import { INSTANCE_ID } from "./instance-id";
import { LuaScript } from "./lua-script";

const DONE = "done";
const PENDING = "pending:";

interface ClaimTiming {
    /** How long a pending claim lives unless renewed (an instance that died lets go of it then). */
    pendingMs: number;
    /** How often a pending claim is renewed while its message is being read. */
    renewMs: number;
}

const CLAIM_TIMING: ClaimTiming = { pendingMs: 5000, renewMs: 2000 };

/** Takes the key when nobody has, else says what is there (nil: taken). */
const CLAIM = new LuaScript(
    `if redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return false end
return redis.call("GET", KEYS[1])`,
    1,
);
/** Extends a pending claim, if it is still this one's. */
const RENEW = new LuaScript(
    `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 0`,
    1,
);
/** Marks the delivery done, if the claim is still this one's or has expired untaken (the message WAS handed on). */
const MARK_DONE = new LuaScript(
    `local held = redis.call("GET", KEYS[1])
if held == ARGV[1] or not held then redis.call("SET", KEYS[1], "${DONE}", "EX", ARGV[2]) return 1 end
return 0`,
    1,
);
/** Lets go of a claim whose message was not handed on, if it is still this one's. */
const WITHDRAW = new LuaScript(
    `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) end
return 0`,
    1,
);

/** A delivery this instance claimed: it must end with handedOn or withdraw. */
export interface HeldClaim {
    /** Marks it done (stops renewing it): false when another instance took it meanwhile. Rejects when Redis fails. */
    handedOn(): Promise<boolean>;
    /** Deletes it, if still this one's (stops renewing it): the next try of the delivery is taken. */
    withdraw(): Promise<void>;
}

export type SharedClaim = { verdict: Exclude<ClaimVerdict, "claimed"> } | { verdict: "claimed"; claim: HeldClaim };

export class SharedDeliveryClaims {
    private readonly value: string;
    /** What withdraws each claim held, whose message is neither handed on nor withdrawn yet. */
    private readonly held = new Set<() => Promise<void>>();

    constructor(
        private readonly connection: Pick<ClusterConnection, "redis" | "key">,
        instanceId: string = INSTANCE_ID,
        private readonly timing = CLAIM_TIMING,
    ) {
        this.value = PENDING + instanceId;
    }

    /** Claims a verified delivery to `path` (as served). Rejects when Redis cannot answer. */
    async claim(path: string, timestamp: number, signature: string, toleranceSeconds: number): Promise<SharedClaim> {
        const { redis } = this.connection;
        const key = this.connection.key("delivery", path, String(timestamp), signature);
        const held = await CLAIM.run(redis, key, this.value, this.timing.pendingMs);
        if (held === DONE) return { verdict: "done" };
        if (typeof held === "string" && held.startsWith(PENDING)) return { verdict: "pending" };
        if (held !== null) throw new Error(`the delivery's key ${key} holds ${JSON.stringify(held)}, not a claim`);
        const renewal = setInterval(() => {
            // Only a claim no longer this instance's stops the renewals: one that failed (a command timing out) is
            // tried again on the next tick, before the claim expires.
            RENEW.run(redis, key, this.value, this.timing.pendingMs).then(
                (renewed) => {
                    if (renewed === 0) clearInterval(renewal);
                },
                () => undefined,
            );
        }, this.timing.renewMs);
        renewal.unref();
        const withdraw = () => {
            clearInterval(renewal);
            this.held.delete(withdraw);
            return WITHDRAW.run(redis, key, this.value).then(() => undefined);
        };
        this.held.add(withdraw);
        return {
            verdict: "claimed",
            claim: {
                handedOn: async () => {
                    clearInterval(renewal);
                    this.held.delete(withdraw);
                    return (await MARK_DONE.run(redis, key, this.value, retentionSeconds(toleranceSeconds))) === 1;
                },
                withdraw,
            },
        };
    }

    /**
     * Withdraws every claim still held (the node closed: their messages are never sent), at once, before the cluster
     * node closing beside it ends the connection; one that cannot be withdrawn expires.
     */
    close(): void {
        for (const withdraw of [...this.held]) withdraw().catch(() => undefined);
    }
}
