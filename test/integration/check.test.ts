// `alocity-webhook check` against alocity-webhook-in in a real Node-RED, reached directly and through local proxies:
// a plain one, one that demands basic authentication, and one that re-serialises JSON bodies.
import assert from "assert";
import { drained, readoutNodes, recorderNode } from "../support/recorders";
import { logShows, useNodeRed } from "../support/real-node-red";
import { runCli as run, type CliResult } from "../support/run-cli";
import { startProxy, type StandIn } from "../support/stand-ins";
import { webhookTab } from "../support/test-flows";

const SECRET = "integration-check-secret-52c8";

const kindOf = ({ stdout }: CliResult) => /\[([a-z-]+)\]\s*$/.exec(stdout)?.[1];

describe("alocity-webhook check against a real Node-RED", function () {
    this.timeout(60_000);
    const running = useNodeRed({
        flows: [...webhookTab({ label: "receiver", secret: SECRET, to: ["rec"] }), recorderNode("rec", "events"), ...readoutNodes()],
    });
    const proxies: StandIn[] = [];
    const proxy = async (options: Parameters<typeof startProxy>[1]) => {
        const started = await startProxy(running.nodeRed.url, options);
        proxies.push(started);
        return started;
    };
    after(() => Promise.all(proxies.map((started) => started.close())));

    it("reached directly: without a secret the node's answer to the probe, with it the verified check", async function () {
        const url = `${running.nodeRed.url}/alocity`;
        const unsigned = await run(["check", "--url", url]);
        assert.deepStrictEqual([unsigned.code, kindOf(unsigned)], [0, "reached"], unsigned.stdout);
        const logLength = running.nodeRed.log.length;
        const signed = await run(["check", "--url", url, "--secret", SECRET]);
        assert.deepStrictEqual([signed.code, kindOf(signed)], [0, "verified"], signed.stdout);
        assert.match(signed.stdout.split("\n")[0], /^OK: the URL reaches alocity-webhook-in, and it verified the signed check delivery/);
        await logShows(running.nodeRed, "A check delivery to /alocity (alocity-webhook check) was verified", logLength);
        const { nodeRed } = running;
        assert.deepStrictEqual(await drained(nodeRed, url, { secret: SECRET }), {}, "the check is not sent on");
    });

    it("with a secret that is not the webhook's: the signature does not match, and says both causes", async function () {
        const result = await run(["check", "--url", `${running.nodeRed.url}/alocity`, "--secret", "not-the-secret"]);
        assert.deepStrictEqual([result.code, kindOf(result)], [1, "signature-mismatch"], result.stdout);
        assert.match(result.stdout, /body was changed on the way/);
        assert.match(result.stdout, /or the secret is not this webhook's/);
    });

    it("through a proxy that passes the body on untouched: verified", async function () {
        const { url } = await proxy({});
        const result = await run(["check", "--url", `${url}/alocity`, "--secret", SECRET]);
        assert.deepStrictEqual([result.code, kindOf(result)], [0, "verified"], result.stdout);
    });

    it("through a proxy that re-serialises JSON: the node refuses the signature, and the check says the body changed", async function () {
        const { url } = await proxy({ reserialise: true });
        const result = await run(["check", "--url", `${url}/alocity`, "--secret", SECRET]);
        assert.deepStrictEqual([result.code, kindOf(result)], [1, "signature-mismatch"], result.stdout);
        assert.match(result.stdout, /re-serialises JSON/);
    });

    it("through a proxy that demands basic authentication: the authentication in front", async function () {
        const { url } = await proxy({ basicAuth: "user:password" });
        const result = await run(["check", "--url", `${url}/alocity`, "--secret", SECRET]);
        assert.deepStrictEqual([result.code, kindOf(result)], [1, "basic-auth"], result.stdout);
    });

    it("at a path no node serves: Node-RED's 404", async function () {
        const result = await run(["check", "--url", `${running.nodeRed.url}/alocty`]);
        assert.deepStrictEqual([result.code, kindOf(result)], [1, "not-found"], result.stdout);
        assert.match(result.stdout.split("\n")[0], /Nothing is served at \/alocty \(404, Node-RED has no route there\)/);
    });
});
