import type { Request, Response } from "express";
import { RecentDeliveries, type RecentDelivery } from "../../core/webhook/recent-deliveries";
import { messagesOf, type NodeAPI } from "../shared/node-red";
import { onePer } from "../shared/one-per";
import { serveAdminRoute } from "./admin-routes";

/**
 * The last verified deliveries of each deployed alocity-webhook-in node, for its edit dialog: `GET
 * /alocity-webhook-in/<node id>/deliveries` answers `{ deliveries: [...] }`, newest first. In memory only: kept while
 * the node is redeployed, dropped when it is removed, gone at restart.
 */
const DELIVERIES_ROUTE = "/alocity-webhook-in/:id/deliveries";
const DELIVERIES_PERMISSION = "alocity-webhook-in.read";

/** A deployed node's deliveries, as the node holds them. */
interface DeliveryLog {
    record(delivery: RecentDelivery): void;
    /** On close: a node removed by a deploy forgets its deliveries; one redeployed keeps them. */
    close(removed: boolean): void;
}

interface DeliveryLogs {
    open(id: string): DeliveryLog;
}

/** Serves the endpoint on `RED.httpAdmin` (once per admin app) and returns where the nodes record their deliveries. */
export function deliveryLogs(RED: NodeAPI): DeliveryLogs {
    return logsOf(RED.httpAdmin, RED);
}

const logsOf = onePer((_admin: object, RED: NodeAPI): DeliveryLogs => {
    const byNode = new Map<string, RecentDeliveries>();
    const logs: DeliveryLogs = {
        open(id) {
            const recent = byNode.get(id) ?? new RecentDeliveries();
            byNode.set(id, recent);
            return {
                record: (delivery) => recent.record(delivery),
                close: (removed) => {
                    if (removed && byNode.get(id) === recent) {
                        byNode.delete(id);
                    }
                },
            };
        },
    };

    const t = messagesOf(RED, "alocity-webhook-in.deliveries");
    serveAdminRoute(RED, "get", DELIVERIES_ROUTE, DELIVERIES_PERMISSION, (req: Request, res: Response) => {
        const id = String(req.params.id);
        const recent = byNode.get(id);
        if (recent !== undefined) {
            return res.json({ deliveries: recent.list() });
        }
        // A deployed node that stopped at a configuration error (e.g. HTTP endpoints disabled) has received nothing.
        if (RED.nodes.getNode(id)?.type === "alocity-webhook-in") {
            return res.json({ deliveries: [] });
        }
        return res.status(404).json({ error: "not-deployed", message: t("not-deployed") });
    });
    return logs;
});
