// A real Node-RED (default settings unless told otherwise: editor at /) in a child process, with this package
// loaded from dist/: the one way a test file starts one. It wraps scripts/node-red-process.js, which `npm start` and
// the benchmark use too.
import fs from "fs";
import os from "os";
import path from "path";
import type { ChildProcess } from "child_process";
import type { OutgoingHttpHeaders } from "http";
import type { FlowNode } from "./test-flows";
import { eventually } from "./wait";
import { loadModule, packageDir } from "./modules";

export { packageDir } from "./modules";

export type DeployType = "full" | "flows" | "nodes";

/** What scripts/node-red-process.js's startNodeRed resolves with. */
export interface NodeRedProcess {
    url: string;
    port: number;
    process: ChildProcess;
    /** Everything Node-RED has written so far (stdout and stderr). */
    readonly log: string;
    /** Calls the admin API; resolves with the parsed JSON answer; rejects on a status of 300 or more. */
    admin<T = unknown>(method: string, route: string, body?: unknown, headers?: OutgoingHttpHeaders): Promise<T>;
    /** Answers the editor's first-run questions (welcome tour, telemetry) as a returning user has. */
    answerFirstRunQuestions(): Promise<void>;
    /** Deploys flows and waits until they are running. */
    deploy(flows: readonly FlowNode[], type?: DeployType): Promise<void>;
    stop(): Promise<void>;
}

interface ScriptOptions {
    userDir: string;
    port?: number;
    host?: string;
    packageDir?: string;
    link?: boolean;
    modules?: string[];
    redJs?: string;
    nodeBinary?: string;
    execArgv?: string[];
    settings?: string[];
    inheritOutput?: boolean;
    env?: NodeJS.ProcessEnv;
}

// The script is JavaScript without declarations: its API is typed here, once.
const script = loadModule<{ startNodeRed(options: ScriptOptions): Promise<NodeRedProcess> }>("../../scripts/node-red-process");

export interface StartOptions {
    /** Extra `-D key=value` settings. */
    settings?: string[];
    /** Another Node-RED's red.js (default: the devDependency). */
    redJs?: string;
    /** Another node executable (default: this one). */
    nodeBinary?: string;
    /** Options for the node executable, before red.js (e.g. `--require tsx/cjs` for a starter written in TypeScript). */
    execArgv?: string[];
    env?: NodeJS.ProcessEnv;
    /** More node module folders to link into the user directory (test fixtures). */
    modules?: string[];
    /**
     * A user directory that already holds the package (installed, not linked): it is used as it is and kept.
     * By default a fresh temporary one is made, this working tree linked into it, and removed on stop().
     */
    installedIn?: string;
    /**
     * A user directory to use and keep (this working tree linked into it): start Node-RED again with the same one to
     * restart it on what it saved (flows, context). The caller removes it.
     */
    userDir?: string;
}

/** Starts a real Node-RED on a port of 127.0.0.1 it chooses itself. */
export async function startRealNodeRed(options: StartOptions = {}): Promise<NodeRedProcess> {
    const kept = options.installedIn ?? options.userDir;
    const userDir = kept ?? fs.mkdtempSync(path.join(os.tmpdir(), "alocity-nr-"));
    const removeUserDir = () => {
        if (kept === undefined) fs.rmSync(userDir, { recursive: true, force: true });
    };
    let nodeRed: NodeRedProcess;
    try {
        nodeRed = await script.startNodeRed({
            userDir,
            port: 0,
            packageDir,
            link: options.installedIn === undefined,
            modules: options.modules,
            settings: options.settings,
            redJs: options.redJs,
            nodeBinary: options.nodeBinary,
            execArgv: options.execArgv,
            env: options.env,
        });
    } catch (error) {
        removeUserDir();
        throw error;
    }
    const stop = nodeRed.stop.bind(nodeRed);
    nodeRed.stop = async () => {
        // A process killed by a signal has a signalCode, not an exitCode: stop() would wait for an exit long past.
        if (nodeRed.process.exitCode === null && nodeRed.process.signalCode === null) await stop();
        removeUserDir();
    };
    return nodeRed;
}

/** Kills a Node-RED as a crash or `kill -9` would (SIGKILL: no close handler runs); resolves once it is gone. */
export async function killNodeRed(nodeRed: NodeRedProcess): Promise<void> {
    const child = nodeRed.process;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGKILL");
    });
}

/**
 * Registers a test file's (or suite's) hooks for a real Node-RED: started before its tests (and `flows` deployed,
 * when given), stopped after them, also when something failed. The returned object's `nodeRed` is set by then.
 */
export function useNodeRed(options: StartOptions & { flows?: readonly FlowNode[] } = {}): { readonly nodeRed: NodeRedProcess } {
    let started: NodeRedProcess | undefined;
    before(async function () {
        started = await startRealNodeRed(options);
        if (options.flows) await started.deploy(options.flows);
    });
    after(async function () {
        if (started) await started.stop();
    });
    return {
        get nodeRed() {
            if (started === undefined) throw new Error("Node-RED is not started: use nodeRed in tests and hooks only");
            return started;
        },
    };
}

/** Waits until the log of a Node-RED has `text` after `from` (a log length taken before); resolves with its index. */
export function logShows(nodeRed: NodeRedProcess, text: string, from = 0): Promise<number> {
    return eventually(
        () => nodeRed.log.indexOf(text, from) + 1,
        () => `"${text}" in the Node-RED log:\n${nodeRed.log.slice(from)}`,
    ).then((found) => found - 1);
}

/** How often `part` occurs in `text`. */
export function occurrences(text: string, part: string): number {
    return text.split(part).length - 1;
}

/**
 * The lines of a Node-RED log that report an error ("[error]") or that nodes could not be made; with `warnings`,
 * also its warnings ("[warn]").
 */
export function problemLines(log: string, { warnings = false } = {}): string[] {
    const failure = /\[error\]|Waiting for missing types|Missing node modules/;
    const problem = warnings ? new RegExp(`\\[warn\\]|${failure.source}`) : failure;
    return log.split("\n").filter((line) => problem.test(line));
}

/** A node set as GET /nodes lists it. */
export interface NodeSet {
    id: string;
    module: string;
    types: string[];
    enabled: boolean;
    err?: string;
    version?: string;
}

/** The node sets a Node-RED has loaded. */
export function nodeSets(nodeRed: NodeRedProcess): Promise<NodeSet[]> {
    return nodeRed.admin<NodeSet[]>("GET", "/nodes", undefined, { Accept: "application/json" });
}
