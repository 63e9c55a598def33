// The package as a library, used the way another program (or a function node) uses it: through the main module
// package.json names (compiled, in dist/), and with the TypeScript declarations package.json names.
import assert from "assert";
import fs from "fs";
import os from "os";
import path from "path";
import ts from "typescript";
import type { VerifyResult } from "../../src/index";
import { packageDir as root } from "../support/real-node-red";
import { loadModule, readJson } from "../support/modules";
import { expectedSignature } from "../support/signature-oracle";

interface Manifest {
    name: string;
    main: string;
    types: string;
    "node-red": { nodes: Record<string, string> };
}
const manifest = readJson<Manifest>(path.join(root, "package.json"));
const mainPath = require.resolve(path.join(root, manifest.main));
// What the main module exports is what src/index.ts declares (the declarations are checked below).
const alocity = loadModule<typeof import("../../src/index")>(mainPath);

const SECRET = "whsec-library-9c41e7a2";
const OLD_SECRET = "whsec-library-old-2b77";
const T = 1767225600;
const BODY = '{"serialNumber":"ALO-DC-1","doorState":"Open"}';

describe("the library (require('node-red-contrib-alocity'))", function () {
    it("exports sign, verify and the sample events", function () {
        assert.strictEqual(typeof alocity.sign, "function");
        assert.strictEqual(typeof alocity.verify, "function");
        assert.strictEqual(typeof alocity.samplePayload, "function");
        assert.deepStrictEqual(Object.keys(alocity.SAMPLE_EVENTS).sort(), [...alocity.EVENT_CODES].sort());
    });

    describe("sign(secret, body, timestamp?)", function () {
        it("returns the header value t:<t>,sig:<base64 HMAC-SHA256 of '<t>.<body>'>", function () {
            assert.strictEqual(alocity.sign(SECRET, BODY, T), `t:${T},sig:${expectedSignature(SECRET, T, BODY)}`);
        });

        it("signs a Buffer byte for byte, the same as the equal string", function () {
            const text = '{"userName":"Zoë Ångström"}\r\n';
            assert.strictEqual(alocity.sign(SECRET, Buffer.from(text, "utf8"), T), `t:${T},sig:${expectedSignature(SECRET, T, text)}`);
        });

        it("uses the current time without a timestamp", function () {
            const before = Math.floor(Date.now() / 1000);
            const t = Number(/^t:(\d+),sig:/.exec(alocity.sign(SECRET, BODY))?.[1]);
            const after = Math.floor(Date.now() / 1000);
            assert.ok(t >= before && t <= after, `${before} <= ${t} <= ${after}`);
        });

        it("throws a TypeError for a missing secret or a timestamp that is not whole seconds", function () {
            assert.throws(() => alocity.sign("", BODY, T), TypeError);
            assert.throws(() => alocity.sign(SECRET, BODY, 1.5), TypeError);
            assert.throws(() => alocity.sign(SECRET, BODY, -1), TypeError);
        });
    });

    describe("verify(header, body, secrets, { tolerance, now })", function () {
        const header = alocity.sign(SECRET, BODY, T);
        const atT = (seconds: number) => (T + seconds) * 1000;

        it("accepts a signature from sign, with the signed timestamp and the index of the key", function () {
            const verdict = alocity.verify(header, BODY, [SECRET], { tolerance: 300, now: atT(0) });
            assert.strictEqual(verdict.ok, true);
            assert.strictEqual(verdict.timestamp, T);
            assert.strictEqual(verdict.keyIndex, 0);
        });

        it("tries every secret of the array: the previous one gives keyIndex 1", function () {
            const oldHeader = alocity.sign(OLD_SECRET, BODY, T);
            const verdict = alocity.verify(oldHeader, BODY, [SECRET, OLD_SECRET], { now: atT(0) });
            assert.strictEqual(verdict.ok, true);
            assert.strictEqual(verdict.keyIndex, 1);
        });

        it("refuses a wrong secret, a changed body and a missing header, with the reason", function () {
            assert.deepStrictEqual(pick(alocity.verify(header, BODY, ["other"], { now: atT(0) })), { ok: false, reason: "no-match" });
            assert.deepStrictEqual(pick(alocity.verify(header, BODY + " ", [SECRET], { now: atT(0) })), { ok: false, reason: "no-match" });
            assert.deepStrictEqual(pick(alocity.verify(undefined, BODY, [SECRET], { now: atT(0) })), {
                ok: false,
                reason: "missing-header",
            });
            assert.deepStrictEqual(pick(alocity.verify(header, BODY, [], { now: atT(0) })), { ok: false, reason: "no-secret" });
        });

        it("takes now in milliseconds and the tolerance in seconds, in both directions", function () {
            assert.strictEqual(alocity.verify(header, BODY, [SECRET], { tolerance: 300, now: atT(300) }).ok, true);
            assert.strictEqual(alocity.verify(header, BODY, [SECRET], { tolerance: 300, now: atT(-300) }).ok, true);
            const old = alocity.verify(header, BODY, [SECRET], { tolerance: 300, now: atT(301) });
            assert.deepStrictEqual({ ...pick(old), skew: skewOf(old) }, { ok: false, reason: "timestamp-too-old", skew: 301 });
            const future = alocity.verify(header, BODY, [SECRET], { tolerance: 300, now: atT(-301) });
            assert.deepStrictEqual({ ...pick(future), skew: skewOf(future) }, { ok: false, reason: "timestamp-in-future", skew: -301 });
            assert.strictEqual(alocity.verify(header, BODY, [SECRET], { tolerance: 0, now: atT(86400) }).ok, true);
        });
    });

    it("is the very code alocity-webhook-in verifies with", function () {
        const nodePath = require.resolve(path.join(root, manifest["node-red"].nodes["alocity-webhook-in"]));
        loadModule(nodePath);
        const loaded = new Set<NodeJS.Module>();
        const walk = (module: NodeJS.Module | undefined) => {
            if (!module || loaded.has(module)) return;
            loaded.add(module);
            module.children.forEach(walk);
        };
        walk(require.cache[nodePath]);
        const verifyOf = (module: NodeJS.Module): unknown => (module.exports as { verify?: unknown } | undefined)?.verify;
        const verifiers = [...loaded].filter((module) => typeof verifyOf(module) === "function");
        assert.ok(verifiers.length > 0, "the node loads a module exporting verify");
        for (const module of verifiers) {
            assert.strictEqual(verifyOf(module), alocity.verify, module.filename);
        }
    });

    it("samples: a fresh copy of each event's sample, which the receiver recognises as that event", function () {
        for (const event of alocity.EVENT_CODES) {
            const sample = alocity.samplePayload(event);
            assert.deepStrictEqual(sample, alocity.SAMPLE_EVENTS[event]);
            assert.notStrictEqual(sample, alocity.SAMPLE_EVENTS[event]);
            assert.strictEqual(alocity.identifyEvent(sample).event, event);
        }
    });

    it("ships TypeScript declarations that type sign, verify and the samples for a TypeScript program", function () {
        this.timeout(60000);
        assert.ok(fs.existsSync(path.join(root, manifest.types)), manifest.types);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-types-"));
        try {
            fs.mkdirSync(path.join(dir, "node_modules"));
            fs.symlinkSync(root, path.join(dir, "node_modules", manifest.name), "dir");
            const program = path.join(dir, "program.ts");
            fs.writeFileSync(
                program,
                [
                    `import { sign, verify, samplePayload, SAMPLE_EVENTS, type VerifyResult, type DoorStatePayload } from "${manifest.name}";`,
                    `const body: string = JSON.stringify(SAMPLE_EVENTS["door.state"]);`,
                    `const header: string = sign("secret", Buffer.from(body), 1767225600);`,
                    `const verdict: VerifyResult = verify(header, body, ["secret", "previous"], { tolerance: 300, now: Date.now() });`,
                    `if (verdict.ok) { const t: number = verdict.timestamp; const k: number = verdict.keyIndex; void t; void k; }`,
                    `else { const reason: "no-secret" | "missing-header" | "malformed-header" | "no-match" | "timestamp-too-old" | "timestamp-in-future" = verdict.reason; void reason; }`,
                    `const door: DoorStatePayload = samplePayload("door.state"); void door.serialNumber;`,
                    `// @ts-expect-error the secret is a string`,
                    `sign(42, body);`,
                    `// @ts-expect-error secrets is an array`,
                    `verify(header, body, "secret");`,
                    `// @ts-expect-error only known events have samples`,
                    `samplePayload("door.alarm");`,
                    "",
                ].join("\n"),
            );
            const compiled = ts.createProgram([program], {
                strict: true,
                noEmit: true,
                module: ts.ModuleKind.Node16,
                moduleResolution: ts.ModuleResolutionKind.Node16,
                target: ts.ScriptTarget.ES2022,
                types: ["node"],
                typeRoots: [path.join(root, "node_modules", "@types")],
            });
            const problems = ts.getPreEmitDiagnostics(compiled).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
            assert.deepStrictEqual(problems, []);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

function pick(verdict: VerifyResult): { ok: boolean; reason: string | undefined } {
    return { ok: verdict.ok, reason: verdict.ok ? undefined : verdict.reason };
}

function skewOf(verdict: VerifyResult): number | undefined {
    return verdict.ok ? undefined : verdict.skew;
}
