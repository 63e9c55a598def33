import fs from "fs";
import path from "path";

/** What this package's package.json says of it. */
export interface PackageInfo {
    name: string;
    version: string;
    repository?: string | { url?: string };
}

/** This package's package.json: the nearest one above the compiled file (dist/src, dist/nodes) or the source. */
export function packageInfo(): PackageInfo {
    for (let dir = __dirname; ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) {
            return JSON.parse(fs.readFileSync(file, "utf8")) as PackageInfo;
        }
        if (path.dirname(dir) === dir) {
            throw new Error(`no package.json above ${__dirname}`);
        }
    }
}
