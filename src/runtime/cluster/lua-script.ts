import { createHash } from "crypto";
import type { Redis } from "ioredis";

/**
 * A Lua script run atomically by Redis: sent whole the first time on a client (EVAL, in one round trip, so that a
 * command sent just before the connection closes still goes out whole), by its SHA1 (EVALSHA) after that, and whole
 * again when the server has forgotten it (a restart). ioredis's defineCommand does much the same, but adds a command
 * to the client every node of the cluster shares.
 */
export class LuaScript {
    private readonly sha: string;
    /** The clients that have sent the script whole. */
    private readonly sent = new WeakSet<Redis>();

    constructor(
        private readonly source: string,
        private readonly keys: number,
    ) {
        this.sha = createHash("sha1").update(source).digest("hex");
    }

    async run(redis: Redis, ...keysThenArgs: (string | number)[]): Promise<unknown> {
        if (!this.sent.has(redis)) {
            this.sent.add(redis);
            return redis.eval(this.source, this.keys, ...keysThenArgs);
        }
        try {
            return await redis.evalsha(this.sha, this.keys, ...keysThenArgs);
        } catch (error) {
            if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
            return redis.eval(this.source, this.keys, ...keysThenArgs);
        }
    }
}
