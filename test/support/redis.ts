// Debian's redis-server (`apt-get install redis-server`), what users run beside Node-RED, on a free port of 127.0.0.1:
// scripts/redis-server.js (which the benchmark uses too), typed here. CI installs it (.ci/run) and must not skip the
// tests that need it.
import { loadModule } from "./modules";

interface RedisOptions {
    /** The append-only file, as the README advises (a clean restart then keeps everything); default true. */
    appendOnly?: boolean;
    /** A password the server asks for (requirepass). */
    password?: string;
}

export interface RedisServer {
    readonly port: number;
    /** `redis://127.0.0.1:<port>`. */
    readonly url: string;
    /** Everything it has written so far. */
    readonly log: string;
    /** The process id while it runs. */
    readonly pid: number | undefined;
    /** Starts it again, on the same port and files, after stop or kill. */
    startAgain(): Promise<void>;
    /** A clean stop (SIGTERM: Redis writes what it holds, as a service manager's stop does). */
    stop(): Promise<void>;
    /** A crash: what it held and had not written is gone. */
    kill(): Promise<void>;
    /** Stops it and removes its files. */
    close(): Promise<void>;
}

const script = loadModule<{
    RedisServer: { start(options?: RedisOptions): Promise<RedisServer> };
    redisServerPath(): string | undefined;
}>("../../scripts/redis-server");

export const RedisServer = script.RedisServer;

/**
 * A suite that needs redis-server: a pending test saying so on a developer's machine without it, a failure in CI
 * (CI=true), where .ci/run installs it: never skipped in silence.
 */
export function describeWithRedis(title: string, suite: () => void): void {
    if (script.redisServerPath() === undefined && process.env.CI !== "true") {
        describe(title, () => it.skip("redis-server is not installed: apt-get install -y redis-server"));
    } else {
        describe(title, suite);
    }
}
