// `alocity-webhook check`, run as a user runs it (the bin in a child process), against local stand-ins for each
// thing that can stand between Alocity and the node. All local: nothing leaves this machine.
import assert from "assert";
import { CHECK_FIELD } from "../../../src/core/webhook/check-delivery";
import { verify } from "../../../src/core/webhook/signature";
import { closedPort, startReceiver, stopReceiver, type Receiver } from "../../support/recording-receiver";
import { runCli as run, type CliResult } from "../../support/run-cli";
import { startTlsServer } from "../../support/stand-ins";

const SECRET = "whsec-check-4e2a91";

/** The case named at the end of the details, e.g. "dns". */
const nonceOf = (body: Buffer) => (JSON.parse(body.toString("utf8")) as Record<string, unknown>)[CHECK_FIELD];
const kindOf = ({ stdout }: CliResult) => /\[([a-z-]+)\]\s*$/.exec(stdout)?.[1];

describe("alocity-webhook check", function () {
    this.timeout(30_000);
    let receiver: Receiver;
    beforeEach(async () => {
        receiver = await startReceiver();
    });
    afterEach(() => stopReceiver(receiver));

    it("needs --url (exit 2), and takes only --url and --secret", async function () {
        assert.strictEqual((await run(["check"])).code, 2);
        const misplaced = await run(["check", "--url", receiver.url, "--event", "door.state"]);
        assert.deepStrictEqual([misplaced.code, /check does not take --event/.test(misplaced.stderr)], [2, true]);
        assert.strictEqual(receiver.requests.length, 0);
    });

    it("names a name that does not resolve", async function () {
        const result = await run(["check", "--url", "https://nodered.invalid/alocity"]);
        assert.deepStrictEqual([result.code, kindOf(result)], [1, "dns"], result.stdout);
        assert.match(result.stdout.split("\n")[0], /nodered\.invalid does not resolve/);
    });

    it("names a refused connection", async function () {
        const port = await closedPort();
        const result = await run(["check", "--url", `http://127.0.0.1:${port}/alocity`]);
        assert.deepStrictEqual([result.code, kindOf(result)], [1, "refused"], result.stdout);
        assert.match(result.stdout, new RegExp(`127\\.0\\.0\\.1:${port} refused the connection`));
    });

    it("names a TLS certificate self-signed for another name, with the names it holds", async function () {
        const server = await startTlsServer("other.example");
        try {
            const result = await run(["check", "--url", `${server.url}/alocity`]);
            assert.deepStrictEqual([result.code, kindOf(result)], [1, "tls"], result.stdout);
            assert.match(result.stdout.split("\n")[0], /^TLS: the certificate of localhost is self-signed/);
            assert.match(result.stdout, /The certificate is for: other\.example; issued by other\.example \(self-signed\)/);
        } finally {
            await server.close();
        }
    });

    const answers: [string, { status: number; body: string; headers?: Record<string, string> }, string, RegExp][] = [
        [
            "an authentication in front (401, Basic)",
            { status: 401, body: "Unauthorized", headers: { "WWW-Authenticate": 'Basic realm="Authorization Required"' } },
            "basic-auth",
            /httpNodeAuth.*http_node.*FlowFuse/,
        ],
        [
            "the Node-RED add-on's Home Assistant login outside /endpoint/",
            { status: 401, body: "", headers: { "WWW-Authenticate": 'Basic realm="Home Assistant Authentication"', Server: "nginx" } },
            "home-assistant-login",
            /register http:\/\/127\.0\.0\.1:\d+\/endpoint\/alocity/,
        ],
        [
            "a Cloudflare challenge (cf-mitigated)",
            { status: 403, body: "<title>Just a moment...</title>", headers: { "cf-mitigated": "challenge", Server: "cloudflare" } },
            "cloudflare-challenge",
            /Bot Fight Mode/,
        ],
        [
            "a Cloudflare error page",
            { status: 530, body: "<title>Error 1033</title> Argo Tunnel error", headers: { Server: "cloudflare" } },
            "cloudflare-error",
            /Error 1033 Argo Tunnel error/,
        ],
        [
            "a redirect, with where to",
            { status: 301, body: "", headers: { Location: "https://nodered.example.com/alocity" } },
            "redirect",
            /redirects \(301\) to https:\/\/nodered\.example\.com\/alocity/,
        ],
        [
            "Cloudflare Access's login",
            { status: 302, body: "", headers: { Location: "https://team.cloudflareaccess.com/cdn-cgi/access/login" } },
            "cloudflare-access",
            /Bypass policy/,
        ],
        [
            "a 404 from the Node-RED add-on, suggesting /endpoint/",
            { status: 404, body: "<pre>Cannot POST /alocity</pre>", headers: { Server: "nginx" } },
            "not-found",
            /Node-RED add-on, which serves HTTP nodes under \/endpoint\/: register http:\/\/127\.0\.0\.1:\d+\/endpoint\/alocity/,
        ],
        [
            "Home Assistant's own front end (the wrong port)",
            { status: 405, body: "405: Method Not Allowed", headers: { "Referrer-Policy": "no-referrer" } },
            "home-assistant",
            /Node-RED add-on's own port/,
        ],
        [
            "a 200 from something that is not the node (a relay)",
            { status: 200, body: "ok", headers: { Server: "relay" } },
            "not-the-node",
            /no Alocity-Receiver header/,
        ],
        [
            "anything else, with its status and body",
            { status: 502, body: "upstream down", headers: { Server: "Caddy" } },
            "other",
            /502 Bad Gateway from Caddy: upstream down/,
        ],
    ];
    for (const [name, answer, kind, detail] of answers) {
        it(`names ${name}`, async function () {
            receiver.answer = answer;
            const result = await run(["check", "--url", receiver.url]);
            assert.deepStrictEqual([result.code, kindOf(result)], [1, kind], result.stdout);
            assert.match(result.stdout, detail);
        });
    }

    it("a plain 404 names the path and httpNodeRoot, without /endpoint/", async function () {
        receiver.answer = { status: 404, body: "<pre>Cannot POST /alocity</pre>" };
        const result = await run(["check", "--url", receiver.url]);
        assert.deepStrictEqual([result.code, kindOf(result)], [1, "not-found"]);
        assert.match(result.stdout.split("\n")[0], /Nothing is served at \/alocity \(404, Node-RED has no route there\)/);
        assert.match(result.stdout, /httpNodeRoot/);
        assert.doesNotMatch(result.stdout, /endpoint/);
    });

    it("sends an unsigned check body without a secret, and a signed one with it (--secret, the variable, or -)", async function () {
        receiver.answer = { status: 200, body: "ok" };
        await run(["check", "--url", receiver.url]);
        await run(["check", "--url", receiver.url, "--secret", SECRET]);
        await run(["check", "--url", receiver.url], { env: { ALOCITY_WEBHOOK_SECRET: SECRET } });
        await run(["check", "--url", receiver.url, "--secret", "-"], { input: `${SECRET}\n` });
        const [unsigned, ...signed] = receiver.requests;
        assert.strictEqual(unsigned.headers["alocity-signature"], undefined);
        assert.strictEqual(typeof nonceOf(unsigned.body), "string");
        assert.strictEqual(signed.length, 3);
        for (const request of signed) {
            assert.ok(verify(request.headers["alocity-signature"], request.body, [SECRET]).ok);
        }
        const nonces = new Set(receiver.requests.map((request) => nonceOf(request.body)));
        assert.strictEqual(nonces.size, 4, "a new check each run");
    });
});
