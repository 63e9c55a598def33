/**
 * `alocity-webhook check`: what an HTTP answer to the check says about the way from Alocity to the node: the node's
 * own answer (it carries Alocity-Receiver), or that of whatever stands in front of it.
 */
import { CHECK_VERDICT, RECEIVER_HEADER, RECEIVER_NAME } from "../../core/webhook/check-delivery";
import { SECRET_VARIABLE } from "../command-line";
import type { Answer } from "../delivery";
import { DEFAULT_TOLERANCE_SECONDS } from "../../core/webhook/tolerance";
import { bodyStart, type Finding } from "./finding";

/** The add-on serves HTTP nodes under httpNodeRoot /endpoint (hassio-addons/addon-node-red, config.js). */
const ADD_ON_ROOT = "/endpoint/";
/** The realm of Home Assistant's login (the Supervisor's auth API), which the add-on's nginx asks for outside /endpoint/. */
const HOME_ASSISTANT_REALM = /realm="?Home Assistant/i;
/** How far this machine's clock may be from the server's before the timestamp is named as a possible cause. */
const CLOCK_NOTE_SECONDS = 60;

export interface CheckExchange {
    url: URL;
    /** Whether the check delivery was signed (a secret was given). */
    signed: boolean;
    answer: Answer;
    /** This machine's clock when the answer came, epoch ms. */
    now: number;
}

const header = (answer: Answer, name: string): string => [answer.headers[name.toLowerCase()]].flat()[0] ?? "";

/** The URL with the add-on's /endpoint before its path. */
function underAddOnRoot(url: URL): string {
    const fixed = new URL(url.href);
    fixed.pathname = `/endpoint${url.pathname}`;
    return fixed.href;
}

export function answerFinding(exchange: CheckExchange): Finding {
    const { answer } = exchange;
    if (header(answer, RECEIVER_HEADER) === RECEIVER_NAME) {
        return nodeFinding(exchange);
    }
    return frontFinding(exchange);
}

/** The node answered: reached; whether it verified the check, or what it says is wrong. */
function nodeFinding({ signed, answer, now }: CheckExchange): Finding {
    const said = `${answer.status} ${bodyStart(answer.body)}`;
    if (signed && answer.status === 200 && answer.delivery === CHECK_VERDICT) {
        return {
            reached: true,
            kind: "verified",
            headline: "OK: the URL reaches alocity-webhook-in, and it verified the signed check delivery.",
            details: [
                "The body arrived unchanged and the secret is this webhook's: Alocity's events will be accepted (not sent on: a check is only answered).",
            ],
        };
    }
    if (!signed && answer.status === 401) {
        return {
            reached: true,
            kind: "reached",
            headline: "OK: the URL reaches alocity-webhook-in (it refused the unsigned probe, as it should).",
            details: [`Give the secret (--secret, ${SECRET_VARIABLE} or --secret -) to check that a signed body arrives unchanged too.`],
        };
    }
    if (signed && answer.status === 401) {
        const details = [
            "Either the body was changed on the way: something between parses and re-serialises JSON (a relay such as smee.io, a Home Assistant webhook or cloudhook, a proxy that rewrites bodies, an http in node in front), so the bytes signed are not the bytes received;",
            "or the secret is not this webhook's: compare it with the webhook's secret key in Alocity (its info page) and the alocity-signature node of this node.",
            'The node\'s log says which it saw (search it for "Rejected a request").',
        ];
        const serverTime = Date.parse(header(answer, "date"));
        const skew = Number.isNaN(serverTime) ? 0 : Math.round(Math.abs(now - serverTime) / 1000);
        if (skew > CLOCK_NOTE_SECONDS) {
            details.push(`Also, this machine's clock is ${skew} s off the server's: a timestamp outside the tolerance is refused as well.`);
        }
        const clockFirst = skew > DEFAULT_TOLERANCE_SECONDS;
        return {
            reached: false,
            kind: "signature-mismatch",
            headline: clockFirst
                ? `The URL reaches alocity-webhook-in, but the signed check was refused: this machine's clock is ${skew} s off the server's (the default tolerance is ${DEFAULT_TOLERANCE_SECONDS} s), or the signature does not match.`
                : "The URL reaches alocity-webhook-in, but the signed check was refused: the signature does not match.",
            details,
        };
    }
    if (answer.status === 500) {
        return {
            reached: false,
            kind: "node-no-secret",
            headline: "The URL reaches alocity-webhook-in, but it has no secret and answers every request 500.",
            details: ["Set the webhook's secret key in its alocity-signature node and deploy. " + said],
        };
    }
    if (answer.status === 503) {
        return {
            reached: false,
            kind: "node-unavailable",
            headline: "The URL reaches alocity-webhook-in, but it cannot take deliveries now (503).",
            details: [said],
        };
    }
    return { reached: false, kind: "node-other", headline: `alocity-webhook-in answered ${answer.status}.`, details: [said] };
}

/** Something in front of the node answered. */
function frontFinding({ url, answer }: CheckExchange): Finding {
    const server = header(answer, "server");
    const said = `${answer.status} ${answer.statusText}${server ? ` from ${server}` : ""}: ${bodyStart(answer.body) || "(no body)"}`;
    const location = header(answer, "location");
    if (header(answer, "cf-mitigated") !== "") {
        return {
            reached: false,
            kind: "cloudflare-challenge",
            headline: `Cloudflare answered with a challenge (cf-mitigated: ${header(answer, "cf-mitigated")}, ${answer.status}), not Node-RED.`,
            details: [
                "A webhook sender cannot solve a challenge. Bot Fight Mode challenges such senders and cannot be skipped for one path: turn it off for this zone; a WAF custom rule or rate limit that challenges must skip this path.",
                said,
            ],
        };
    }
    if (answer.status >= 300 && answer.status < 400 && location !== "") {
        const target = new URL(location, url).href;
        if (/\.cloudflareaccess\.com$/i.test(new URL(target).hostname)) {
            return {
                reached: false,
                kind: "cloudflare-access",
                headline: `Cloudflare Access sends the request to its login (${answer.status} to ${target}).`,
                details: ["Alocity cannot log in: give this path a Bypass policy in Access, or leave the host out of Access."],
            };
        }
        return {
            reached: false,
            kind: "redirect",
            headline: `The URL redirects (${answer.status}) to ${target}.`,
            details: [
                "A redirected POST may arrive without its body, as a GET, or not at all: register the address it redirects to, and check that one.",
            ],
        };
    }
    const challenge = header(answer, "www-authenticate");
    if (answer.status === 401 && HOME_ASSISTANT_REALM.test(challenge)) {
        const outsideRoot = !url.pathname.startsWith(ADD_ON_ROOT);
        return {
            reached: false,
            kind: "home-assistant-login",
            headline: `Home Assistant's login answered (401, ${challenge}): this looks like Home Assistant's Node-RED add-on.`,
            details: outsideRoot
                ? [`The add-on serves HTTP nodes only under /endpoint/, without a login: register ${underAddOnRoot(url)}`]
                : ["Under /endpoint/ the add-on asks for no login: is something else in front?"],
        };
    }
    if (answer.status === 401 && /^\s*basic/i.test(challenge)) {
        return {
            reached: false,
            kind: "basic-auth",
            headline: `An authentication in front of the node asks for a user name and password (401, WWW-Authenticate: ${challenge}).`,
            details: [
                "Alocity cannot send them. Remove it for this URL: Node-RED's httpNodeAuth (settings.js), the Node-RED add-on's http_node user (leave it empty), FlowFuse's instance security (set to None), or a proxy's basic authentication.",
                "The webhook's signature protects the node: nothing unsigned gets through it.",
            ],
        };
    }
    if (answer.status === 401 && challenge !== "") {
        return {
            reached: false,
            kind: "auth",
            headline: `An authentication in front of the node refuses the request (401, WWW-Authenticate: ${challenge}).`,
            details: [
                "Alocity sends no credentials. FlowFuse's user authentication (bearer tokens) applies to every HTTP route: set the instance's security to None.",
            ],
        };
    }
    if (/^cloudflare/i.test(server) && answer.status >= 400) {
        return {
            reached: false,
            kind: "cloudflare-error",
            headline: `Cloudflare answered ${answer.status} itself, not Node-RED.`,
            details: ["Its error page says why (a tunnel not connected, an origin it cannot reach, a blocked request):", said],
        };
    }
    if (isHomeAssistant(answer, server)) {
        return {
            reached: false,
            kind: "home-assistant",
            headline: `Home Assistant itself answered (${answer.status}), not Node-RED: this is Home Assistant's port.`,
            details: [
                `Use the Node-RED add-on's own port (1880 unless changed in its Network settings) and /endpoint/, e.g. ${url.protocol}//${url.hostname}:1880/endpoint${url.pathname}`,
                "Home Assistant's own addresses (its remote UI, webhooks, ingress) cannot carry Alocity's signed requests to Node-RED.",
            ],
        };
    }
    if (answer.status === 404) {
        return notFoundFinding(url, server, said, answer.body);
    }
    if (answer.status >= 200 && answer.status < 300) {
        return {
            reached: false,
            kind: "not-the-node",
            headline: `The URL answered ${answer.status}, but not alocity-webhook-in (no ${RECEIVER_HEADER} header).`,
            details: [
                "A relay, a proxy or another receiver took the request; or the node is from node-red-contrib-alocity older than 0.2.0.",
                said,
            ],
        };
    }
    return {
        reached: false,
        kind: "other",
        headline: `The URL answered ${answer.status} ${answer.statusText}, not alocity-webhook-in.`,
        details: [said],
    };
}

/**
 * Home Assistant's answers: an empty Server header and `Referrer-Policy: no-referrer` (homeassistant/components/http/
 * headers.py) with aiohttp's "405: Method Not Allowed"; older versions name aiohttp in Server.
 */
function isHomeAssistant(answer: Answer, server: string): boolean {
    return (
        /aiohttp/i.test(server) ||
        (server === "" && header(answer, "referrer-policy") === "no-referrer" && /^\d{3}: /.test(answer.body)) ||
        /<title>Home Assistant<\/title>/i.test(answer.body)
    );
}

function notFoundFinding(url: URL, server: string, said: string, body: string): Finding {
    const nodeRed = /Cannot POST/.test(body);
    const details = [
        `The URL is Node-RED's public address, then httpNodeRoot (settings.js; "/" unless set), then the node's URL, e.g. /alocity; and the flow must be deployed.`,
    ];
    if (/nginx/i.test(server) && nodeRed && !url.pathname.startsWith(ADD_ON_ROOT)) {
        details.unshift(
            `This looks like Home Assistant's Node-RED add-on, which serves HTTP nodes under /endpoint/: register ${underAddOnRoot(url)}`,
        );
    }
    details.push(said);
    return {
        reached: false,
        kind: "not-found",
        headline: `Nothing is served at ${url.pathname} (404${nodeRed ? ", Node-RED has no route there" : ""}).`,
        details,
    };
}
