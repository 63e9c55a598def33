// Debian's Mosquitto 2 (`apt-get install mosquitto`), what users run beside Home Assistant, as a child process on a
// free port of 127.0.0.1 with a configuration of its own: a listener, anonymous clients, no persistence (a restart
// loses everything retained). CI installs it (.ci/run) and must not skip the tests that need it.
import { spawn, type ChildProcess } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { MqttBroker, TestBroker } from "./mqtt-broker";
import { eventually } from "./wait";
import { accepts, freePort } from "./ports";

const CANDIDATES = ["/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto"];

/** The mosquitto executable, when it is installed. */
function mosquittoPath(): string | undefined {
    return CANDIDATES.find((candidate) => fs.existsSync(candidate));
}

class Mosquitto extends MqttBroker {
    readonly name = "Mosquitto";
    private child: ChildProcess | undefined;
    private log = "";

    private constructor(
        port: number,
        private readonly dir: string,
    ) {
        super(port);
    }

    static async start(): Promise<Mosquitto> {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-mosquitto-"));
        const broker = new Mosquitto(await freePort(), dir);
        try {
            await broker.start();
        } catch (error) {
            fs.rmSync(dir, { recursive: true, force: true });
            throw error;
        }
        return broker;
    }

    async start(): Promise<void> {
        const executable = mosquittoPath();
        if (executable === undefined) {
            throw new Error(`Mosquitto is not installed (looked for ${CANDIDATES.join(", ")}): apt-get install -y mosquitto`);
        }
        const config = path.join(this.dir, "mosquitto.conf");
        const lines = [
            `listener ${this.port} 127.0.0.1`,
            "allow_anonymous true",
            "persistence false",
            "log_dest stderr",
            "log_type error",
            "log_type warning",
        ];
        fs.writeFileSync(config, lines.join("\n") + "\n");
        const child = spawn(executable, ["-c", config], { stdio: ["ignore", "pipe", "pipe"] });
        this.child = child;
        this.log = "";
        const onOutput = (chunk: Buffer) => (this.log += chunk.toString());
        child.stdout?.on("data", onOutput);
        child.stderr?.on("data", onOutput);
        await eventually(
            async () => {
                if (child.exitCode !== null) throw new Error(`Mosquitto exited with code ${child.exitCode}:\n${this.log}`);
                return accepts(this.port);
            },
            () => `Mosquitto to listen on port ${this.port}:\n${this.log}`,
        );
    }

    async stop(): Promise<void> {
        const child = this.child;
        this.child = undefined;
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        await new Promise<void>((resolve) => {
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
        });
    }

    override async close(): Promise<void> {
        await this.stop();
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** A kind of broker the MQTT tests run against, and why it cannot be had here (undefined when it can). */
export interface BrokerKind {
    name: string;
    start: () => Promise<MqttBroker>;
    missing: () => string | undefined;
}

const BROKER_KINDS: readonly BrokerKind[] = [
    { name: "aedes", start: () => TestBroker.start(), missing: () => undefined },
    {
        name: "Mosquitto 2",
        start: () => Mosquitto.start(),
        missing: () => (mosquittoPath() === undefined ? "Mosquitto is not installed: apt-get install -y mosquitto" : undefined),
    },
];

/** Mosquitto 2 alone: for what only a broker users run shows (a killed client's will, sent by another process). */
export const MOSQUITTO = BROKER_KINDS[1];

/**
 * Runs `suite` with a broker kind. A broker missing here is a pending test saying so on a developer's machine, and a
 * failure in CI (CI=true), where .ci/run installs it: never skipped in silence.
 */
export function describeWithBroker(kind: BrokerKind, title: string, suite: (kind: BrokerKind) => void): void {
    const missing = kind.missing();
    if (missing !== undefined && process.env.CI !== "true") {
        describe(`${title} (${kind.name})`, () => it.skip(missing));
    } else {
        describe(`${title} (${kind.name})`, () => suite(kind));
    }
}

/** Runs `suite` for each broker kind (see describeWithBroker). */
export function forEachBroker(title: string, suite: (kind: BrokerKind) => void): void {
    for (const kind of BROKER_KINDS) describeWithBroker(kind, title, suite);
}
