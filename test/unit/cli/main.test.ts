// The `alocity-webhook` command, run as a user runs it: the package's bin (compiled) in a child process, against a
// local HTTP server that records what arrives.
import assert from "assert";
import fs from "fs";
import os from "os";
import path from "path";
import { EVENT_CODES } from "../../../src/core/events/catalogue";
import { SAMPLE_EVENTS } from "../../../src/core/events/samples";
import { verify } from "../../../src/core/webhook/signature";
import { closedPort, startReceiver, stopReceiver, type Receiver } from "../../support/recording-receiver";
import { CLI, runCli as run } from "../../support/run-cli";
import { packageManifest } from "../../support/modules";
import { expectedHeader } from "../../support/signature-oracle";

const manifest = packageManifest<{ version: string; bin: Record<string, string> }>();

const SECRET = "whsec-cli-5b8e2d7f1a3c";
const T = 1767225600;

describe("alocity-webhook (command)", function () {
    this.timeout(30000);
    let dir: string;
    const file = (name: string, content: string | Buffer) => {
        const full = path.join(dir, name);
        fs.writeFileSync(full, content);
        return full;
    };

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-cli-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("is the package's bin, a node script with a shebang", function () {
        assert.strictEqual(manifest.bin["alocity-webhook"], "dist/src/cli/main.js");
        assert.ok(fs.readFileSync(CLI, "utf8").startsWith("#!/usr/bin/env node\n"));
    });

    describe("help and usage errors", function () {
        it("--help and -h print the usage with every command, every event and the secret variable", async function () {
            for (const flag of ["--help", "-h", "help"]) {
                const { code, stdout } = await run([flag]);
                assert.strictEqual(code, 0, flag);
                for (const text of [
                    "send --url URL",
                    "sign --secret SECRET",
                    "simulate --url URL",
                    "--hold-open SECONDS",
                    "--seed S",
                    "ALOCITY_WEBHOOK_SECRET",
                    "--set F=V",
                    "process list",
                    "--secret -",
                    ...EVENT_CODES,
                ]) {
                    assert.ok(stdout.includes(text), `${flag}: "${text}" in\n${stdout}`);
                }
            }
        });

        it("--version prints the package's version", async function () {
            const { code, stdout } = await run(["--version"]);
            assert.strictEqual(code, 0);
            assert.strictEqual(stdout.trim(), manifest.version);
        });

        it("without a command prints the usage on stderr and exits 2", async function () {
            const { code, stdout, stderr } = await run([]);
            assert.strictEqual(code, 2);
            assert.strictEqual(stdout, "");
            assert.match(stderr, /Usage: alocity-webhook/);
        });

        const usageErrors: [string[], RegExp][] = [
            [["frobnicate"], /unknown command "frobnicate"/],
            [["send", "--bogus"], /unknown option --bogus/],
            [["send", "--url"], /--url needs a value/],
            [["sign", "--secret", "s", "--url", "http://127.0.0.1/"], /sign does not take --url/],
            [["sign", "--secret", "s", "extra"], /unexpected argument "extra"/],
            [["sign", "--secret", "s", "--timestamp", "yesterday"], /--timestamp must be whole epoch seconds/],
        ];
        for (const [args, message] of usageErrors) {
            it(`exits 2 for: ${args.join(" ")}`, async function () {
                const { code, stderr } = await run(args, { input: "{}" });
                assert.strictEqual(code, 2, stderr);
                assert.match(stderr, message);
            });
        }
    });

    describe("sign", function () {
        const body = Buffer.from('{"serialNumber":"ALO-1","doorState":"Offen – \u00e9t\u00e9"}\r\n', "utf8");

        it("prints the header value for a file's exact bytes (non-ASCII, CRLF)", async function () {
            const { code, stdout } = await run(["sign", "--secret", SECRET, "--timestamp", String(T), "--file", file("body.json", body)]);
            assert.strictEqual(code, 0);
            assert.strictEqual(stdout, expectedHeader(SECRET, T, body) + "\n");
        });

        it("reads the body from stdin, and the secret from ALOCITY_WEBHOOK_SECRET", async function () {
            const { code, stdout } = await run(["sign", "--timestamp", String(T)], {
                input: body,
                env: { ALOCITY_WEBHOOK_SECRET: SECRET },
            });
            assert.strictEqual(code, 0);
            assert.strictEqual(stdout, expectedHeader(SECRET, T, body) + "\n");
        });

        it("--secret wins over ALOCITY_WEBHOOK_SECRET", async function () {
            const { stdout } = await run(["sign", "--secret", SECRET, "--timestamp", String(T)], {
                input: body,
                env: { ALOCITY_WEBHOOK_SECRET: "other" },
            });
            assert.strictEqual(stdout, expectedHeader(SECRET, T, body) + "\n");
        });

        it("signs with the current time by default: the header verifies now", async function () {
            const { code, stdout } = await run(["sign", "--secret", SECRET], { input: body });
            assert.strictEqual(code, 0);
            const verdict = verify(stdout.trim(), body, [SECRET]);
            assert.strictEqual(verdict.ok, true, JSON.stringify(verdict));
        });

        it("trims whitespace around the secret, as the alocity-signature node does, with a note", async function () {
            const { code, stdout, stderr } = await run(["sign", "--secret", ` ${SECRET}\n`, "--timestamp", String(T)], { input: body });
            assert.strictEqual(code, 0);
            assert.strictEqual(stdout, expectedHeader(SECRET, T, body) + "\n");
            assert.match(stderr, /whitespace/);
            assert.ok(!stderr.includes(SECRET));
        });

        it("exits 2 without a secret, naming both ways to give one", async function () {
            const { code, stdout, stderr } = await run(["sign"], { input: body });
            assert.strictEqual(code, 2);
            assert.strictEqual(stdout, "");
            assert.match(stderr, /--secret/);
            assert.match(stderr, /ALOCITY_WEBHOOK_SECRET/);
        });

        it("--secret - reads the secret from standard input (its first line), the body from --file", async function () {
            const { code, stdout } = await run(["sign", "--secret", "-", "--timestamp", String(T), "--file", file("body.json", body)], {
                input: `${SECRET}\n`,
            });
            assert.strictEqual(code, 0);
            assert.strictEqual(stdout, expectedHeader(SECRET, T, body) + "\n");
        });

        it("--secret - without --file exits 2: standard input cannot hold both", async function () {
            const { code, stderr } = await run(["sign", "--secret", "-"], { input: `${SECRET}\n` });
            assert.strictEqual(code, 2);
            assert.match(stderr, /--file/);
        });

        it("exits 2 for a file that does not exist", async function () {
            const missing = path.join(dir, "missing.json");
            const { code, stderr } = await run(["sign", "--secret", SECRET, "--file", missing]);
            assert.strictEqual(code, 2);
            assert.ok(stderr.includes(`cannot read ${missing}: no such file`), stderr);
        });
    });

    describe("send", function () {
        let receiver: Receiver;
        beforeEach(async () => {
            receiver = await startReceiver();
        });
        afterEach(() => stopReceiver(receiver));
        /** `alocity-webhook send` to the receiver, with the secret SECRET. */
        const send = (...args: string[]) => run(["send", "--url", receiver.url, "--secret", SECRET, ...args]);

        for (const event of EVENT_CODES) {
            it(`posts a signed ${event} sample and prints the answer`, async function () {
                const { code, stdout, stderr } = await send("--event", event);
                assert.strictEqual(code, 0, stderr);
                assert.strictEqual(stdout, "200 OK\naccepted\n");
                assert.strictEqual(receiver.requests.length, 1);
                const [request] = receiver.requests;
                assert.strictEqual(request.method, "POST");
                assert.strictEqual(request.url, "/alocity");
                assert.strictEqual(request.headers["content-type"], "application/json");
                assert.deepStrictEqual(JSON.parse(request.body.toString("utf8")), SAMPLE_EVENTS[event]);
                const verdict = verify(request.headers["alocity-signature"], request.body, [SECRET]);
                assert.strictEqual(verdict.ok, true, JSON.stringify(verdict));
            });
        }

        it("posts a file's bytes exactly as they are, signed with --timestamp", async function () {
            const body = Buffer.concat([
                Buffer.from([0xef, 0xbb, 0xbf]),
                Buffer.from('{\r\n  "serialNumber": "ALO-\u00c5",\r\n  "lockState": "Locked"\r\n}', "utf8"),
            ]);
            const { code, stderr } = await send("--file", file("lock.json", body), "--timestamp", String(T));
            assert.strictEqual(code, 0, stderr);
            const [request] = receiver.requests;
            assert.ok(request.body.equals(body), "the body arrives byte for byte");
            assert.strictEqual(request.headers["alocity-signature"], expectedHeader(SECRET, T, body));
        });

        it("--set changes fields of the sample, each value of the type of the field it replaces", async function () {
            const door = await send("--event", "door.state", "--set", "serialNumber=ALO-2", "--set", "doorState=Closed");
            assert.strictEqual(door.code, 0, door.stderr);
            const health = await send("--event", "door.healthcheck", "--set", "isConnected=false", "--set", "ipAddress=");
            assert.strictEqual(health.code, 0, health.stderr);
            assert.deepStrictEqual(JSON.parse(receiver.requests[0].body.toString()), { serialNumber: "ALO-2", doorState: "Closed" });
            assert.deepStrictEqual(JSON.parse(receiver.requests[1].body.toString()), {
                ...SAMPLE_EVENTS["door.healthcheck"],
                isConnected: false,
                ipAddress: "",
            });
        });

        it("exits 2 for a --set that is not FIELD=VALUE, or with --file, and sends nothing", async function () {
            for (const args of [
                ["--event", "door.state", "--set", "doorState"],
                ["--file", file("door.json", "{}"), "--set", "doorState=Open"],
            ]) {
                const { code, stderr } = await send(...args);
                assert.strictEqual(code, 2, args.join(" "));
                assert.match(stderr, /--set/);
            }
            assert.strictEqual(receiver.requests.length, 0);
        });

        it("--secret - reads the secret from standard input", async function () {
            const { code, stderr } = await run(["send", "--url", receiver.url, "--secret", "-", "--event", "lock.state"], {
                input: `${SECRET}\r\n`,
            });
            assert.strictEqual(code, 0, stderr);
            assert.strictEqual(verify(receiver.requests[0].headers["alocity-signature"], receiver.requests[0].body, [SECRET]).ok, true);
        });

        it("takes the secret from ALOCITY_WEBHOOK_SECRET", async function () {
            const { code } = await run(["send", "--url", receiver.url, "--event", "user.face"], {
                env: { ALOCITY_WEBHOOK_SECRET: SECRET },
            });
            assert.strictEqual(code, 0);
            assert.strictEqual(verify(receiver.requests[0].headers["alocity-signature"], receiver.requests[0].body, [SECRET]).ok, true);
        });

        it("with --file and an --event the file does not look like, sends it anyway with a note", async function () {
            const body = JSON.stringify(SAMPLE_EVENTS["door.state"]);
            const { code, stderr } = await send("--file", file("door.json", body), "--event", "lock.state");
            assert.strictEqual(code, 0);
            assert.match(stderr, /looks like door\.state, not lock\.state/);
            assert.strictEqual(receiver.requests[0].body.toString(), body);
        });

        it("exits 1 on a non-2xx answer, printing its status and body, with a hint", async function () {
            receiver.answer = { status: 401, body: "Unauthorized" };
            const { code, stdout, stderr } = await run(["send", "--url", receiver.url, "--secret", "wrong", "--event", "door.state"]);
            assert.strictEqual(code, 1);
            assert.strictEqual(stdout, "401 Unauthorized\nUnauthorized\n");
            assert.match(stderr, /secret/);
        });

        it("exits 1 when the receiver says it took the delivery as a repeat, not emitted again, and says so", async function () {
            receiver.answer = { status: 200, body: "OK (already received)", headers: { "Alocity-Delivery": "duplicate" } };
            const { code, stdout, stderr } = await send("--event", "door.state");
            assert.strictEqual(code, 1);
            assert.strictEqual(stdout, "200 OK\nOK (already received)\n");
            assert.match(stderr, /not emitted: the receiver took this as a repeat of a delivery it already accepted/);
            receiver.answer = { status: 200, body: "OK", headers: { "Alocity-Delivery": "accepted" } };
            assert.strictEqual((await send("--event", "door.state")).code, 0);
        });

        it("exits 2 for an unknown event, listing the known ones, and sends nothing", async function () {
            const { code, stderr } = await send("--event", "door.alarm");
            assert.strictEqual(code, 2);
            assert.match(stderr, /unknown event "door\.alarm"/);
            for (const event of EVENT_CODES) assert.ok(stderr.includes(event), event);
            assert.strictEqual(receiver.requests.length, 0);
        });

        it("exits 2 without --event or --file", async function () {
            const { code, stderr } = await send();
            assert.strictEqual(code, 2);
            assert.match(stderr, /--event CODE/);
        });

        const badFiles: [string, string | null, RegExp][] = [
            ["a missing file", null, /no such file/],
            ["an empty file", "", /is empty/],
            ["a file that is not JSON", '{"doorState": "Open",', /is not valid JSON/],
            ["a file whose JSON is not an object", "[1, 2]", /not an object/],
        ];
        badFiles.forEach(([what, content, message], i) => {
            it(`exits 2 for ${what}, naming it, and sends nothing`, async function () {
                const target = content === null ? path.join(dir, "no-such-file.json") : file(`bad-${i}.json`, content);
                const { code, stderr } = await send("--file", target);
                assert.strictEqual(code, 2);
                assert.ok(stderr.includes(target), stderr);
                assert.match(stderr, message);
                assert.strictEqual(receiver.requests.length, 0);
            });
        });

        for (const url of ["not a url", "ftp://127.0.0.1/alocity", ""]) {
            it(`exits 2 for the URL "${url}"`, async function () {
                const { code, stderr } = await run(["send", "--url", url, "--secret", SECRET, "--event", "door.state"]);
                assert.strictEqual(code, 2);
                assert.match(stderr, url === "" ? /send needs --url/ : /--url ".*" is not/);
            });
        }

        it("exits 1 with a clear message when the connection is refused", async function () {
            const port = await closedPort();
            const { code, stdout, stderr } = await run([
                "send",
                "--url",
                `http://127.0.0.1:${port}/alocity`,
                "--secret",
                SECRET,
                "--event",
                "door.state",
            ]);
            assert.strictEqual(code, 1);
            assert.strictEqual(stdout, "");
            assert.match(stderr, new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}: connection refused`));
        });
    });
});
