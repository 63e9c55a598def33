import { createHash } from "crypto";
import type { Redis } from "ioredis";

/**
 * A Lua script run atomically by Redis: by its SHA1 (EVALSHA), and sent whole only when the server does not know it
 * yet (after a restart, or the first time), as ioredis's own defineCommand does, without adding a command to the
 * client every node of the cluster shares.
 */
export class LuaScript {
    private readonly sha: string;

    constructor(
        private readonly source: string,
        private readonly keys: number,
    ) {
        this.sha = createHash("sha1").update(source).digest("hex");
    }

    async run(redis: Redis, ...keysThenArgs: (string | number)[]): Promise<unknown> {
        try {
            return await redis.evalsha(this.sha, this.keys, ...keysThenArgs);
        } catch (error) {
            if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
            return redis.eval(this.source, this.keys, ...keysThenArgs);
        }
    }
}
