#!/usr/bin/env node
/**
 * `alocity-webhook`: send signed test events to a webhook receiver, play a whole building's traffic, sign a body for
 * curl, exactly the way Alocity signs its webhooks, or check that the URL registered in Alocity reaches the node.
 */
import { EVENT_CODES } from "../core/events/catalogue";
import {
    ConnectionError,
    packageVersion,
    parseCommandLine,
    PROGRAM,
    SECRET_VARIABLE,
    UsageError,
    type Io,
    type Values,
} from "./command-line";
import { check, CHECK_USAGE } from "./check/check";
import { send } from "./send";
import { signCommand } from "./sign";
import { simulate, SIMULATE_USAGE } from "./simulate";

const USAGE = `Usage: ${PROGRAM} <command> [options]

Sends signed test events to an Alocity webhook receiver (such as Node-RED's alocity-webhook-in),
plays a whole building's traffic, or signs a body for curl, exactly the way Alocity signs its webhooks.

Commands:
  send      POST a signed event to a webhook URL; prints the answer's status and body
  sign      print the Alocity-Signature header value for a body
  simulate  play a building of doors sending signed events to a webhook URL, in real time
  check     say whether the URL registered in Alocity reaches the node, and if not, what stands in the way

send:  ${PROGRAM} send --url URL --secret SECRET --event CODE [--set FIELD=VALUE ...] [--timestamp T]
       ${PROGRAM} send --url URL --secret SECRET --file FILE [--event CODE] [--timestamp T]
  --url URL        the webhook URL, e.g. http://127.0.0.1:1880/alocity
  --secret SECRET  the webhook's secret key; "-" reads it from standard input (see below)
  --event CODE     send a realistic sample of this event, one of:
                   ${EVENT_CODES.join(", ")}
                   (fields as Alocity documents them, but accesslog.created's fields and
                   the door and lock values: this package's own model, Alocity's are unpublished)
  --set F=V        with --event: set a field of the sample, e.g. --set serialNumber=ALO-2
                   --set doorState=Closed (repeat it for more fields); a value takes the
                   type of the sample's field (isConnected=false is a boolean)
  --file FILE      send this file's JSON instead, byte for byte (with --event: warns when
                   the file does not look like that event)
  --timestamp T    sign with this time, in epoch seconds, instead of now

sign:  ${PROGRAM} sign --secret SECRET [--timestamp T] [--file FILE]
  --file FILE      the body to sign; without it, the body is read from standard input

${SIMULATE_USAGE}
${CHECK_USAGE}
The secret: a --secret on the command line can be seen by other users in the process list
and stays in your shell's history. Prefer the environment variable ${SECRET_VARIABLE},
or --secret - to read it from standard input (one line; sign then needs --file).

  -h, --help       show this help
  --version        show the version

Exit status: 0 success (send: a 2xx answer; simulate: every request answered 2xx; check: the
URL reached the node, and with a secret it verified the check); 1 a non-2xx answer, a repeat of
a delivery the receiver already accepted (not emitted again), a connection error, or (check)
anything in the way; 2 a usage or input error.

Examples:
  ${PROGRAM} send --url http://127.0.0.1:1880/alocity --secret "$SECRET" --event door.state
  ${PROGRAM} simulate --url http://127.0.0.1:1880/alocity --secret - < secret.txt
  ${PROGRAM} check --url https://nodered.example.com/alocity --secret - < secret.txt
  body='{"serialNumber":"ALO-1","doorState":"Open"}'
  curl -X POST http://127.0.0.1:1880/alocity -H 'Content-Type: application/json' \\
    -H "Alocity-Signature: $(printf %s "$body" | ${PROGRAM} sign --secret "$SECRET")" --data-binary "$body"
`;

/** What the command takes, beyond --help. */
const COMMAND_OPTIONS: Record<string, readonly (keyof Values)[]> = {
    send: ["url", "secret", "event", "file", "timestamp", "set"],
    sign: ["secret", "file", "timestamp"],
    simulate: ["url", "secret", "doors", "for", "hold-open", "seed"],
    check: ["url", "secret"],
};

export type { Io } from "./command-line";

/** Runs the command; resolves with its exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
    try {
        return await run(argv, io);
    } catch (error) {
        if (error instanceof UsageError) {
            io.stderr.write(`${PROGRAM}: ${error.message}\n`);
            return 2;
        }
        if (error instanceof ConnectionError) {
            io.stderr.write(`${PROGRAM}: ${error.message}\n`);
            return 1;
        }
        throw error;
    }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandLine(argv);
    if (values.version) {
        io.stdout.write(`${packageVersion()}\n`);
        return 0;
    }
    if (values.help || positionals[0] === "help") {
        io.stdout.write(USAGE);
        return 0;
    }
    const [command, ...extra] = positionals;
    if (command === undefined) {
        io.stderr.write(USAGE);
        return 2;
    }
    const allowed = COMMAND_OPTIONS[command];
    if (allowed === undefined) {
        throw new UsageError(`unknown command "${command}": use send, sign, simulate or check (see ${PROGRAM} --help)`);
    }
    if (extra.length > 0) {
        throw new UsageError(`unexpected argument "${extra[0]}" (see ${PROGRAM} --help)`);
    }
    const misplaced = (Object.keys(values) as (keyof Values)[]).find((name) => !allowed.includes(name));
    if (misplaced !== undefined) {
        throw new UsageError(`${command} does not take --${misplaced} (see ${PROGRAM} --help)`);
    }
    if (command === "simulate") {
        return simulate(values, io);
    }
    if (command === "check") {
        return check(values, io);
    }
    return command === "send" ? send(values, io) : signCommand(values, io);
}

if (require.main === module) {
    main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
        (status) => {
            process.exitCode = status;
        },
        (error) => {
            process.stderr.write(`${PROGRAM}: ${error instanceof Error ? error.stack : String(error)}\n`);
            process.exitCode = 1;
        },
    );
}
