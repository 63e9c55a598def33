// Node-RED embedded in an express 4 app of "the user's", the way Node-RED's documentation shows it: the embedder's
// own express.json() and a gate of its own (a sub-app at the root) come before Node-RED's apps, which the embedder
// mounts itself (editor at /, HTTP nodes at /api). Started in place of red.js by the tests' Node-RED starter (it
// takes red.js's arguments: --userDir, --port, -D key=value), with the Node-RED module to embed named by the
// environment variable EMBEDDED_NODE_RED (default: the devDependency).
import express from "express";
import http from "http";
import type { AddressInfo } from "net";
import { loadModule } from "./modules";

/** The gate lets a POST below /api through only with this header. */
export const GATE_HEADER = "x-embedder-gate";
export const HTTP_NODE_ROOT = "/api";

interface Arguments {
    userDir: string;
    port: number;
    settings: Record<string, unknown>;
}

function parseArguments(argv: readonly string[]): Arguments {
    const parsed: Arguments = { userDir: "", port: 0, settings: {} };
    for (let i = 0; i + 1 < argv.length; i += 2) {
        const [flag, value] = [argv[i], argv[i + 1]];
        if (flag === "--userDir") parsed.userDir = value;
        else if (flag === "--port") parsed.port = Number(value);
        else if (flag === "-D") {
            const [key, ...rest] = value.split("=");
            parsed.settings[key] = rest.join("=");
        }
    }
    return parsed;
}

interface EmbeddableNodeRed {
    init(server: http.Server, settings: Record<string, unknown>): void;
    start(): Promise<void>;
    stop(): Promise<void>;
    httpAdmin: express.Express;
    httpNode: express.Express;
}

function main(): void {
    const { userDir, port, settings } = parseArguments(process.argv.slice(2));
    const RED = loadModule<EmbeddableNodeRed>(process.env.EMBEDDED_NODE_RED ?? "node-red");
    const app = express();
    app.use(express.json());
    const gate = express();
    gate.use(HTTP_NODE_ROOT, (req, res, next) => {
        if (req.method === "POST" && req.headers[GATE_HEADER] !== "open") {
            res.status(403).send("refused by the embedder's gate");
            return;
        }
        next();
    });
    app.use("/", gate);
    const server = http.createServer(app);
    RED.init(server, {
        userDir,
        uiPort: port,
        httpAdminRoot: "/",
        httpNodeRoot: HTTP_NODE_ROOT,
        functionGlobalContext: {},
        logging: { console: { level: "info", metrics: false, audit: false } },
        ...settings,
    });
    app.use("/", RED.httpAdmin);
    app.use(HTTP_NODE_ROOT, RED.httpNode);
    const host = typeof settings.uiHost === "string" ? settings.uiHost : "127.0.0.1";
    server.listen(port, host, () => {
        // As red.js says it, for the tests' starter to read the port.
        const { port: listening } = server.address() as AddressInfo;
        console.log(`Server now running at http://${host}:${listening}/`);
        void RED.start();
    });
    process.on("SIGINT", () => {
        void RED.stop().then(() => process.exit(0));
    });
}

if (require.main === module) {
    main();
}
