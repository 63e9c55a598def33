/**
 * `alocity-webhook check`: POSTs a check delivery to the URL registered in Alocity, signed when a secret is given,
 * and says in one line what stands between Alocity and the node, then the details.
 */
import { randomBytes } from "crypto";
import { checkBody } from "../../core/webhook/check-delivery";
import { sign } from "../../core/webhook/signature";
import { packageVersion, PROGRAM, SECRET_VARIABLE, secretOf, webhookUrlOf, type Io, type Values } from "../command-line";
import { exchange } from "../delivery";
import { answerFinding } from "./answers";
import { transportFinding } from "./failures";
import { writeFinding, type Finding } from "./finding";

const CHECK_TIMEOUT_MS = 15_000;

export const CHECK_USAGE = `check: ${PROGRAM} check --url URL [--secret SECRET]
  Run it from outside your network (a phone's hotspot, a server) with the URL registered in Alocity.
  It says in one line what stands between Alocity and the node (the name, the connection, TLS, a
  redirect, an authentication, Cloudflare, a wrong path or port), then the details; exit status 0
  only when the URL reached alocity-webhook-in. With the secret, it sends a signed check delivery
  (a body with "alocityCheck", which the node answers and never sends on): 0 only when the node
  verified it, so the body arrives unchanged and the secret is this webhook's. The secret as for send.
`;

export async function check(values: Values, io: Io): Promise<number> {
    const url = webhookUrlOf(values, "check");
    const signed = values.secret !== undefined || (io.env[SECRET_VARIABLE] ?? "") !== "";
    const body = checkBody(randomBytes(9).toString("base64url"));
    const headers: Record<string, string> = {
        "Content-Type": "application/json",
        "Content-Length": String(body.length),
        "User-Agent": `${PROGRAM}/${packageVersion()}`,
    };
    if (signed) {
        headers["Alocity-Signature"] = sign(await secretOf(values, io), body);
    }
    let finding: Finding;
    try {
        const answer = await exchange(url, body, headers, CHECK_TIMEOUT_MS);
        finding = answerFinding({ url, signed, answer, now: Date.now() });
    } catch (error) {
        finding = await transportFinding(url, error as NodeJS.ErrnoException, CHECK_TIMEOUT_MS);
    }
    writeFinding(finding, io.stdout);
    return finding.reached ? 0 : 1;
}
