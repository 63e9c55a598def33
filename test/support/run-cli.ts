// Runs the package's `alocity-webhook` bin as a user would: a child process of this Node.js, or a command line
// (as a user pastes it) in a shell.
import { spawn } from "child_process";
import path from "path";
import { packageDir } from "./real-node-red";
import { packageManifest } from "./modules";

const manifest = packageManifest<{ bin: Record<string, string> }>();
/** The bin, compiled (dist/). */
export const CLI = path.join(packageDir, manifest.bin["alocity-webhook"]);

export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

export interface CliOptions {
    env?: Record<string, string>;
    /** What stdin gets (a pipe, closed after it). */
    input?: string | Buffer;
    /** The working directory (default: this process's). */
    cwd?: string;
}

/**
 * Resolves with the exit code and output of `alocity-webhook ...args`. ALOCITY_WEBHOOK_SECRET is not inherited
 * unless `env` sets it.
 */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
    return run(process.execPath, [CLI, ...args], options);
}

/** Resolves with the exit code and output of a command line run by /bin/sh, ALOCITY_WEBHOOK_SECRET as for runCli. */
export function runCommandLine(commandLine: string, options: CliOptions = {}): Promise<CliResult> {
    return run("/bin/sh", ["-c", commandLine], options);
}

function run(file: string, args: readonly string[], { env = {}, input, cwd }: CliOptions): Promise<CliResult> {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    if (!("ALOCITY_WEBHOOK_SECRET" in env)) delete childEnv.ALOCITY_WEBHOOK_SECRET;
    return new Promise((resolve, reject) => {
        const child = spawn(file, args, { env: childEnv, cwd });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(input);
    });
}
