"use strict";
// Debian's redis-server (`apt-get install redis-server`) as a child process on a free port of 127.0.0.1, with a
// directory of its own: used by the cluster tests (test/support/redis.ts) and the benchmark.
const { spawn } = require("child_process");
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");

const CANDIDATES = ["/usr/bin/redis-server", "/usr/local/bin/redis-server", "/usr/sbin/redis-server"];

/** The redis-server executable, when it is installed. */
function redisServerPath() {
    return CANDIDATES.find((candidate) => fs.existsSync(candidate));
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

function accepts(port) {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => socket.end(() => resolve(true)));
        socket.once("error", () => resolve(false));
    });
}

class RedisServer {
    /**
     * Starts one on a free port; `close` stops it and removes its directory.
     * @param {{ appendOnly?: boolean, password?: string }} [options] appendOnly (default true): the append-only file,
     *   as the README advises (a clean restart then keeps everything); password: a password it asks for (requirepass)
     */
    static async start(options = {}) {
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

    constructor(port, dir, options) {
        this.port = port;
        this.dir = dir;
        this.options = options;
        this.child = undefined;
        this.log = "";
    }

    get url() {
        return `redis://127.0.0.1:${this.port}`;
    }

    /** The process id while it runs. */
    get pid() {
        return this.child && this.child.pid;
    }

    /** Starts it (again, on the same port and files, after stop or kill). */
    async startAgain() {
        const executable = redisServerPath();
        if (executable === undefined) {
            throw new Error(`redis-server is not installed (looked for ${CANDIDATES.join(", ")}): apt-get install -y redis-server`);
        }
        const args = ["--port", String(this.port), "--bind", "127.0.0.1", "--dir", this.dir, "--save", "", "--daemonize", "no"];
        args.push("--appendonly", this.options.appendOnly === false ? "no" : "yes");
        if (this.options.password !== undefined) args.push("--requirepass", this.options.password);
        const child = spawn(executable, args, { stdio: ["ignore", "pipe", "pipe"] });
        this.child = child;
        const onOutput = (chunk) => (this.log += chunk.toString());
        child.stdout.on("data", onOutput);
        child.stderr.on("data", onOutput);
        const deadline = Date.now() + 15_000;
        for (;;) {
            if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}:\n${this.log}`);
            if (await accepts(this.port)) return;
            if (Date.now() > deadline) throw new Error(`redis-server did not listen on port ${this.port} within 15 s:\n${this.log}`);
            await new Promise((resolve) => setTimeout(resolve, 10));
        }
    }

    /** A clean stop (SIGTERM: Redis writes what it holds, as a service manager's stop does). */
    stop() {
        return this.end("SIGTERM");
    }

    /** A crash: what it held and had not written is gone. */
    kill() {
        return this.end("SIGKILL");
    }

    async close() {
        await this.end("SIGKILL");
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    async end(signal) {
        const child = this.child;
        this.child = undefined;
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        await new Promise((resolve) => {
            child.once("exit", () => resolve());
            child.kill(signal);
        });
    }
}

module.exports = { RedisServer, redisServerPath };
