import type { Request, Response } from "express";
import type { NodeAPI } from "../shared/node-red";

/** The admin routes served, by admin app: each node module that serves one may be loaded more than once. */
const served = new WeakMap<object, Set<string>>();

/**
 * Serves an admin endpoint of the package's editor code on `RED.httpAdmin`, behind Node-RED's check of `permission`,
 * once per admin app. A runtime without that check (`RED.auth`: a stand-in such as the bench's) gets none: the
 * endpoint would be open to anyone.
 */
export function serveAdminRoute(
    RED: Pick<NodeAPI, "httpAdmin" | "auth">,
    method: "get" | "post",
    route: string,
    permission: string,
    handler: (req: Request, res: Response) => void,
): void {
    if (!RED.auth) {
        return;
    }
    const routes = served.get(RED.httpAdmin) ?? new Set<string>();
    served.set(RED.httpAdmin, routes);
    const key = `${method} ${route}`;
    if (routes.has(key)) {
        return;
    }
    routes.add(key);
    RED.httpAdmin[method](route, RED.auth.needsPermission(permission), handler);
}
