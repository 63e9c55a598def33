// `npm start` as a new user meets it (scripts/start.js, on a free port, in a user directory of the test's): the banner
// says to open the Doors tab and prints the `simulate` command with the webhook's URL and secret, and that command,
// run in a shell as printed (made short), gets every request accepted by the demo flow.
import assert from "assert/strict";
import { spawn, type ChildProcess } from "child_process";
import fs from "fs";
import os from "os";
import path from "path";
import { packageDir } from "../support/real-node-red";
import { runCommandLine } from "../support/run-cli";
import { eventually, within } from "../support/wait";

describe("npm start (scripts/start.js)", function () {
    this.timeout(120_000);
    let userDir: string;
    let start: ChildProcess | undefined;
    let output = "";

    before(async function () {
        userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-start-"));
        const env: NodeJS.ProcessEnv = { ...process.env, PORT: "0", ALOCITY_DEMO_DIR: userDir };
        delete env.ALOCITY_WEBHOOK_SECRET; // the banner's secret is a generated one
        // A process group of its own: whatever happens, its Node-RED goes with it.
        start = spawn(process.execPath, [path.join(packageDir, "scripts", "start.js")], { cwd: packageDir, env, detached: true });
        start.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
        start.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
        await eventually(
            () => output.includes("Stop with Ctrl+C") || start?.exitCode !== null,
            () => `the banner:\n${output}`,
            90_000,
        );
    });

    after(async function () {
        const child = start;
        if (child?.pid !== undefined && child.exitCode === null) {
            const exited = new Promise((resolve) => child.once("exit", resolve));
            child.kill("SIGINT");
            await within(exited, "npm start to stop on Ctrl+C").catch(() => process.kill(-child.pid!, "SIGKILL"));
        }
        fs.rmSync(userDir, { recursive: true, force: true });
    });

    it("prints a simulate command that, run as printed, gets every request accepted; and says to open the Doors tab", async function () {
        assert.match(output, /open the Doors tab/, output);
        const url = /Webhook URL: +(http:\/\/127\.0\.0\.1:\d+\/alocity)/.exec(output)?.[1] ?? assert.fail(output);
        const command =
            output
                .split("\n")
                .find((line) => line.includes(" simulate --url "))
                ?.trim() ?? assert.fail(output);
        assert.ok(command.startsWith("ALOCITY_WEBHOOK_SECRET=") && command.endsWith(` simulate --url ${url}`), command);

        const run = await runCommandLine(`${command} --for 9 --hold-open 2 --seed start`, { cwd: packageDir });
        assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
        assert.match(run.stdout, /every one accepted \(answered 2xx\)/);
    });
});
