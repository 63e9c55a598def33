import type { Request, Response } from "express";
import type { NodeAPI } from "../shared/node-red";
import { webhookRoutesFor, type PathVerdict, type RoutesHost } from "../webhook/routes";
import { serveAdminRoute } from "./admin-routes";

/**
 * What the runtime makes of a webhook path, for alocity-webhook-in's edit dialog: `GET
 * /alocity-webhook-in/path-verdict?url=<the node's url>` answers `{ url, verdict }`, the verdict a node claiming that
 * url would get (WebhookRoutes.verdictOn). Only the runtime knows every route its admin app answers (another package's
 * admin endpoint, this package's own), so the dialog asks rather than judging those itself.
 */
const PATH_VERDICT_ROUTE = "/alocity-webhook-in/path-verdict";
const PATH_VERDICT_PERMISSION = "alocity-webhook-in.read";

interface PathVerdictAnswer {
    url: string;
    verdict: PathVerdict;
}

/** Serves the verdicts on `RED.httpAdmin`, once per admin app; not without the runtime's permission check. */
export function servePathVerdicts(RED: RoutesHost & Pick<NodeAPI, "auth">): void {
    serveAdminRoute(RED, "get", PATH_VERDICT_ROUTE, PATH_VERDICT_PERMISSION, (req: Request, res: Response) => {
        const url = new URL(req.url, "http://localhost").searchParams.get("url") ?? "";
        const answer: PathVerdictAnswer = { url, verdict: webhookRoutesFor(RED).verdictOn(url) };
        res.json(answer);
    });
}
