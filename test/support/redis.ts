// Debian's redis-server (`apt-get install redis-server`), what users run beside Node-RED, as a child process on a free
// port of 127.0.0.1 with a directory of its own. CI installs it (.ci/run) and must not skip the tests that need it.
import { spawn, type ChildProcess } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { accepts, freePort } from "./ports";
import { eventually } from "./wait";

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"];

function redisServerPath(): string | undefined {
    return CANDIDATES.find((candidate) => fs.existsSync(candidate));
}

export interface RedisOptions {
    /** The append-only file, as the README advises (a clean restart then keeps everything); default true. */
    appendOnly?: boolean;
    /** A password the server asks for (requirepass). */
    password?: string;
}

export class RedisServer {
    private child: ChildProcess | undefined;
    private output = "";

    private constructor(
        readonly port: number,
        private readonly dir: string,
        private readonly options: RedisOptions,
    ) {}

    /** Starts one on a free port; `close` stops it and removes its directory. */
    static async start(options: RedisOptions = {}): Promise<RedisServer> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-redis-"));
        const server = new RedisServer(await freePort(), dir, options);
        try {
            await server.startAgain();
        } catch (error) {
            fs.rmSync(dir, { recursive: true, force: true });
            throw error;
        }
        return server;
    }

    /** `redis://127.0.0.1:<port>`. */
    get url(): string {
        return `redis://127.0.0.1:${this.port}`;
    }

    get log(): string {
        return this.output;
    }

    /** Starts it (again, on the same port and files, after stop or kill). */
    async startAgain(): Promise<void> {
        const executable = redisServerPath();
        if (executable === undefined) {
            throw new Error(`redis-server is not installed (looked for ${CANDIDATES.join(", ")}): apt-get install -y redis-server`);
        }
        const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--save", "", "--daemonize", "no"];
        args.push("--appendonly", this.options.appendOnly === false ? "no" : "yes");
        if (this.options.password !== undefined) args.push("--requirepass", this.options.password);
        const child = spawn(executable, args, { stdio: ["ignore", "pipe", "pipe"] });
        this.child = child;
        const onOutput = (chunk: Buffer) => (this.output += chunk.toString());
        child.stdout?.on("data", onOutput);
        child.stderr?.on("data", onOutput);
        await eventually(
            async () => {
                if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}:\n${this.output}`);
                return accepts(this.port);
            },
            () => `redis-server to listen on port ${this.port}:\n${this.output}`,
        );
    }

    /** A clean stop (SIGTERM: Redis writes what it holds, as a service manager's stop does). */
    stop(): Promise<void> {
        return this.end("SIGTERM");
    }

    /** A crash: what it held and had not written is gone. */
    kill(): Promise<void> {
        return this.end("SIGKILL");
    }

    async close(): Promise<void> {
        await this.end("SIGKILL");
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    private async end(signal: NodeJS.Signals): Promise<void> {
        const child = this.child;
        this.child = undefined;
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        await new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.kill(signal);
        });
    }
}

/**
 * A suite that needs redis-server: a pending test saying so on a developer's machine without it, a failure in CI
 * (CI=true), where .ci/run installs it: never skipped in silence.
 */
export function describeWithRedis(title: string, suite: () => void): void {
    if (redisServerPath() === undefined && process.env.CI !== "true") {
        describe(title, () => it.skip("redis-server is not installed: apt-get install -y redis-server"));
    } else {
        describe(title, suite);
    }
}
