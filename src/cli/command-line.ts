/**
 * What every command of `alocity-webhook` reads from its command line: the options, the secret, the timestamp, the
 * webhook URL, a body from a file or standard input; and the two kinds of failure that decide the exit status.
 */
import { readFileSync } from "fs";
import * as util from "util";
import { packageInfo } from "../package-info";

export const PROGRAM = "alocity-webhook";
export const SECRET_VARIABLE = "ALOCITY_WEBHOOK_SECRET";
const TIMESTAMP = /^[0-9]{1,15}$/;

const OPTIONS = {
    url: { type: "string" },
    secret: { type: "string" },
    event: { type: "string" },
    file: { type: "string" },
    timestamp: { type: "string" },
    set: { type: "string", multiple: true },
    doors: { type: "string" },
    for: { type: "string" },
    "hold-open": { type: "string" },
    seed: { type: "string" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
} as const;

export type Values = {
    [Name in keyof typeof OPTIONS]?: (typeof OPTIONS)[Name] extends { multiple: true }
        ? string[]
        : (typeof OPTIONS)[Name]["type"] extends "string"
          ? string
          : boolean;
};

/** A mistake in how the command was called, or in its input: exit status 2. */
export class UsageError extends Error {}
/** The receiver could not be reached: exit status 1. */
export class ConnectionError extends Error {}

export interface Io {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
    stdin: NodeJS.ReadableStream & { isTTY?: boolean };
    env: NodeJS.ProcessEnv;
}

export function parseCommandLine(argv: readonly string[]): { values: Values; positionals: string[] } {
    if (typeof util.parseArgs !== "function") {
        throw new UsageError(`needs Node.js 18.3 or later (this is ${process.version})`);
    }
    try {
        const parsed = util.parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
        return { values: parsed.values, positionals: parsed.positionals };
    } catch (caught) {
        const error = caught as NodeJS.ErrnoException;
        const option = /'(-[^' ]+)/.exec(String(error?.message))?.[1];
        switch (error?.code) {
            case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
                throw new UsageError(`unknown option ${option ?? ""} (see ${PROGRAM} --help)`);
            case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
                throw new UsageError(`${option ?? "an option"} needs a value (write --option=value for a value that starts with -)`);
            default:
                throw new UsageError(String(error?.message ?? error));
        }
    }
}

/** The secret: --secret, or from standard input with --secret -, or from the environment. */
export async function secretOf(values: Values, io: Io): Promise<string> {
    const given = values.secret === "-" ? await secretFromStdin(io) : (values.secret ?? io.env[SECRET_VARIABLE]);
    if (given === undefined || given === "") {
        throw new UsageError(`no secret: give --secret SECRET or set ${SECRET_VARIABLE} (the webhook's secret key)`);
    }
    const secret = given.trim();
    if (secret === "") {
        throw new UsageError("the secret is blank");
    }
    if (secret !== given) {
        // The alocity-signature node trims a pasted secret too: sign with what it will check with.
        io.stderr.write(`${PROGRAM}: note: removed whitespace around the secret\n`);
    }
    return secret;
}

/** The first line of standard input (typed, or piped in). */
function secretFromStdin(io: Io): Promise<string> {
    return new Promise((resolve, reject) => {
        let text = "";
        const finish = () => {
            io.stdin.off("data", onData);
            io.stdin.off("end", finish);
            io.stdin.off("error", reject);
            io.stdin.pause();
            resolve(text.split(/\r?\n/)[0]);
        };
        const onData = (chunk: Buffer | string) => {
            text += chunk.toString();
            if (text.includes("\n")) finish();
        };
        io.stdin.on("data", onData);
        io.stdin.on("end", finish);
        io.stdin.on("error", reject);
    });
}

export function timestampOf(values: Values): number | undefined {
    if (values.timestamp === undefined) {
        return undefined;
    }
    if (!TIMESTAMP.test(values.timestamp)) {
        throw new UsageError(`--timestamp must be whole epoch seconds, e.g. ${Math.floor(Date.now() / 1000)}; got "${values.timestamp}"`);
    }
    return Number(values.timestamp);
}

export function readBodyFile(file: string): Buffer {
    try {
        return readFileSync(file);
    } catch (caught) {
        const error = caught as NodeJS.ErrnoException;
        const reasons: Record<string, string> = {
            ENOENT: "no such file",
            EISDIR: "it is a directory",
            EACCES: "permission denied",
        };
        throw new UsageError(`cannot read ${file}: ${reasons[error?.code ?? ""] ?? error?.message ?? error}`);
    }
}

export function webhookUrlOf(values: Values, command = "send"): URL {
    if (values.url === undefined || values.url === "") {
        throw new UsageError(`${command} needs --url URL, e.g. --url http://127.0.0.1:1880/alocity`);
    }
    let url: URL;
    try {
        url = new URL(values.url);
    } catch {
        throw new UsageError(`--url "${values.url}" is not a valid URL: give one such as http://127.0.0.1:1880/alocity`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new UsageError(`--url "${values.url}" is not an http or https URL`);
    }
    return url;
}

export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
    });
}

export function packageVersion(): string {
    try {
        return packageInfo().version;
    } catch {
        return "unknown";
    }
}
