/**
 * `alocity-webhook sign`: prints the Alocity-Signature header value for a body, for curl.
 */
import { sign } from "../core/webhook/signature";
import { PROGRAM, readAll, readBodyFile, secretOf, timestampOf, UsageError, type Io, type Values } from "./command-line";

export async function signCommand(values: Values, io: Io): Promise<number> {
    if (values.secret === "-" && values.file === undefined) {
        throw new UsageError("with --secret -, the secret comes from standard input: give the body with --file FILE");
    }
    const secret = await secretOf(values, io);
    const timestamp = timestampOf(values);
    let body: Buffer;
    if (values.file !== undefined) {
        body = readBodyFile(values.file);
    } else {
        if (io.stdin.isTTY) {
            throw new UsageError(`sign needs a body: give --file FILE or pipe it in, e.g. printf %s "$body" | ${PROGRAM} sign`);
        }
        body = await readAll(io.stdin);
    }
    io.stdout.write(`${sign(secret, body, timestamp)}\n`);
    return 0;
}
