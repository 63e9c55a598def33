import { execFileSync } from "child_process";

/**
 * Runs npm as a user would in `cwd`: without the variables an outer `npm test` / `npm run` sets for this package
 * (npm_config_local_prefix among them, which would point a nested install back at this working tree).
 * Returns its standard output; throws when it fails.
 */
export function npm(args: readonly string[], cwd: string, { showOutput = false } = {}): string {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("npm_")));
    return execFileSync("npm", args, {
        cwd,
        env,
        encoding: "utf8",
        stdio: ["ignore", showOutput ? "inherit" : "pipe", showOutput ? "inherit" : "pipe"],
        maxBuffer: 64 * 1024 * 1024,
    });
}
