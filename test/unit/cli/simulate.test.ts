// `alocity-webhook simulate`, run as a user runs it (the bin in a child process), against a local receiver that records
// what arrives: the seed's timeline, each request signed and a distinct delivery, a line per request, and the exit
// status. Runs are short (--for 8, the shortest with --hold-open 1) and play in real time.
import assert from "assert";
import { minimumSeconds, simulateBuilding } from "../../../src/core/simulation/building";
import { parseSignatureHeader, verify } from "../../../src/core/webhook/signature";
import { Signer } from "../../../src/cli/simulate";
import { closedPort, startReceiver, stopReceiver, type Receiver } from "../../support/recording-receiver";
import { runCli as run } from "../../support/run-cli";

const SECRET = "whsec-simulate-9c41e7a2";
const HOLD_OPEN = 1;
const SECONDS = minimumSeconds(HOLD_OPEN);
const SHORT = ["--for", String(SECONDS), "--hold-open", String(HOLD_OPEN)];
const LINE = /^\d\d:\d\d:\d\d {2}ALO-SIM-/;

describe("alocity-webhook simulate", function () {
    this.timeout(60_000);
    let receiver: Receiver;
    beforeEach(async () => {
        receiver = await startReceiver();
    });
    afterEach(() => stopReceiver(receiver));

    it("plays the seed's timeline in real time, each request signed, a distinct delivery, printed as answered", async function () {
        const { code, stdout, stderr } = await run(["simulate", "--url", receiver.url, "--doors", "3", "--seed", "test-1", ...SHORT], {
            env: { ALOCITY_WEBHOOK_SECRET: SECRET },
        });
        assert.strictEqual(code, 0, stderr);
        const { requests, incidents } = simulateBuilding({ doors: 3, seconds: SECONDS, holdOpenSeconds: HOLD_OPEN, seed: "test-1" });
        assert.deepStrictEqual(
            receiver.requests.map((request): unknown => JSON.parse(request.body.toString("utf8"))),
            requests.map((request) => request.body),
            "the same seed, the same sequence",
        );
        const deliveries = new Set<string>();
        for (const request of receiver.requests) {
            assert.strictEqual(request.headers["content-type"], "application/json");
            const verdict = verify(request.headers["alocity-signature"], request.body, [SECRET]);
            assert.ok(verdict.ok, JSON.stringify(verdict));
            deliveries.add(`${verdict.timestamp} ${verdict.signature}`);
        }
        assert.strictEqual(deliveries.size, receiver.requests.length, "no request is a repeat the receiver would drop");

        assert.match(stdout, /^Simulating 3 doors \(ALO-SIM-01 to ALO-SIM-03\) for 8 s, seed test-1 /);
        for (const { serialNumber, kind } of incidents) {
            assert.ok(
                stdout.includes(serialNumber) && stdout.includes(kind === "offline" ? "controller offline" : kind.replace("-", " ")),
                `${kind} announced`,
            );
        }
        const lines = stdout.split("\n").filter((line) => LINE.test(line));
        assert.strictEqual(lines.length, requests.length, stdout);
        lines.forEach((line, i) => {
            const { serialNumber, event, reports } = requests[i];
            for (const part of [serialNumber, event, reports, "200 OK"]) assert.ok(line.includes(part), `"${part}" in ${line}`);
        });
        assert.match(
            stdout,
            new RegExp(`${requests.length} of ${requests.length} requests sent in \\d+ s, every one accepted \\(answered 2xx\\)\\.\\n$`),
        );
    });

    it("plays on when a later request is not accepted (not 2xx, or a repeat not emitted), then exits 1 with a summary and the hint", async function () {
        receiver.answer = (index) =>
            index === 4 || index === 9
                ? { status: 503, body: "busy" }
                : index === 12
                  ? { status: 200, body: "OK (already received)", headers: { "Alocity-Delivery": "duplicate" } }
                  : { status: 200, body: "OK" };
        const { code, stdout, stderr } = await run(["simulate", "--url", receiver.url, "--secret", SECRET, "--seed", "test-2", ...SHORT]);
        assert.strictEqual(code, 1);
        const { requests } = simulateBuilding({ doors: 6, seconds: SECONDS, holdOpenSeconds: HOLD_OPEN, seed: "test-2" });
        assert.strictEqual(receiver.requests.length, requests.length, "every request sent");
        assert.strictEqual(
            stdout.split("\n").filter((line) => LINE.test(line) && line.includes(" 503 Service Unavailable")).length,
            2,
            stdout,
        );
        assert.match(
            stderr,
            new RegExp(
                `${requests.length} of ${requests.length} requests sent in \\d+ s, 3 not accepted: 503 Service Unavailable ×2, 200 OK, a repeat not emitted ×1`,
            ),
        );
        assert.match(stderr, /busy \(too many requests at once, or a deploy that took over 10 s\) or its flows are stopped/);
    });

    it("stops at once when the first request is refused: --secret - reads the secret from standard input", async function () {
        receiver.answer = { status: 401, body: "Unauthorized" };
        const { code, stdout, stderr } = await run(["simulate", "--url", receiver.url, "--secret", "-"], { input: `${SECRET}\n` });
        assert.strictEqual(code, 1);
        assert.strictEqual(receiver.requests.length, 1);
        assert.ok(verify(receiver.requests[0].headers["alocity-signature"], receiver.requests[0].body, [SECRET]).ok);
        assert.strictEqual(stdout.split("\n").filter((line) => LINE.test(line)).length, 1);
        assert.match(stderr, /stopped: the first request got the answer 401 Unauthorized/);
        assert.match(stderr, /1 of \d+ requests sent in \d+ s, 1 not accepted: 401 Unauthorized ×1/);
        assert.match(stderr, /refused the signature: check that the secret/);
    });

    it("stops at once when the receiver cannot be reached", async function () {
        const port = await closedPort();
        const { code, stderr } = await run(["simulate", "--url", `http://127.0.0.1:${port}/alocity`, "--secret", SECRET]);
        assert.strictEqual(code, 1);
        assert.match(stderr, new RegExp(`stopped: the first request got cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`));
    });

    const usageErrors: [string[], RegExp][] = [
        [["--for", "60"], /--for 60 is too short to hold a door open for 75 s \(--hold-open\): give --for 82 or more/],
        [
            ["--hold-open", "200"],
            /--for 120 \(the default\) is too short to hold a door open for 200 s \(--hold-open\): give --for 207 or more/,
        ],
        [["--for", "8", "--hold-open", "2"], /give --for 9 or more/],
        [["--doors", "1"], /--doors must be a whole number from 2 to 999/],
        [["--doors", "six"], /--doors must be a whole number/],
        [["--hold-open", "0.5"], /--hold-open must be a number of seconds, at least 1/],
        [["--for", "3601"], /--for must be a number of seconds, at most 3600/],
        [["--doors", "999", "--for", "600"], /999 doors for 600 s is more than one run plays .*give --for 360 or less/],
        [["--seed="], /--seed is empty/],
        [["--event", "door.state"], /simulate does not take --event/],
    ];
    for (const [args, message] of usageErrors) {
        it(`exits 2 and sends nothing for: ${args.join(" ")}`, async function () {
            const { code, stderr } = await run(["simulate", "--url", receiver.url, "--secret", SECRET, ...args]);
            assert.strictEqual(code, 2, stderr);
            assert.match(stderr, message);
            assert.strictEqual(receiver.requests.length, 0);
        });
    }

    it("never signs the same body twice with the same second: the second waits for the next second", async function () {
        const signer = new Signer(SECRET);
        const door = Buffer.from('{"serialNumber":"ALO-SIM-01","doorState":"Closed"}');
        const lock = Buffer.from('{"serialNumber":"ALO-SIM-01","lockState":"Locked"}');
        const secondOf = (header: string) => {
            const parsed = parseSignatureHeader(header);
            return parsed.ok ? parsed.header.timestamp : assert.fail(header);
        };
        const [first, other, again] = [await signer.header(door), await signer.header(lock), await signer.header(door)];
        assert.ok(verify(again, door, [SECRET]).ok);
        assert.ok(secondOf(other) - secondOf(first) <= 1, "another body goes at once");
        assert.ok(secondOf(again) > secondOf(first), `the same body: ${first} then ${again}`);
    });

    it("exits 2 without --url or without a secret", async function () {
        const noUrl = await run(["simulate", "--secret", SECRET]);
        assert.deepStrictEqual([noUrl.code, /simulate needs --url URL/.test(noUrl.stderr)], [2, true], noUrl.stderr);
        const noSecret = await run(["simulate", "--url", receiver.url]);
        assert.deepStrictEqual([noSecret.code, /ALOCITY_WEBHOOK_SECRET/.test(noSecret.stderr)], [2, true], noSecret.stderr);
        assert.strictEqual(receiver.requests.length, 0);
    });
});
