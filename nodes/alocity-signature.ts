import type { AlocitySignatureDef, AlocitySignatureNode } from "../src/runtime/webhook/signature-config";
import { DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS, readTolerance } from "../src/core/webhook/tolerance";
import type { NodeAPI, NodeRedNode } from "../src/runtime/shared/node-red";

export = function (RED: NodeAPI) {
    /** A pasted key with the whitespace around it trimmed (with a warning); undefined when none is set. */
    function trimmedCredential(node: NodeRedNode, field: "secret" | "previousSecret"): string | undefined {
        const pasted = node.credentials?.[field];
        if (typeof pasted !== "string" || pasted.trim() === "") {
            return undefined;
        }
        if (pasted.trim() !== pasted) {
            node.warn(RED._("alocity-signature.warn.trimmed", { field }));
        }
        return pasted.trim();
    }

    function AlocitySignature(this: AlocitySignatureNode, def: AlocitySignatureDef) {
        RED.nodes.createNode(this, def);
        const tolerance = readTolerance(def.tolerance);
        const substitutions = { value: String(def.tolerance), default: DEFAULT_TOLERANCE_SECONDS, max: MAX_TOLERANCE_SECONDS };
        if ("seconds" in tolerance) {
            this.tolerance = tolerance.seconds;
            if (tolerance.seconds === 0) {
                this.warn(RED._("alocity-signature.warn.check-off"));
            }
        } else if (tolerance.problem === "over-limit") {
            this.tolerance = undefined;
            this.error(RED._("alocity-signature.error.over-limit", substitutions));
        } else {
            this.tolerance = DEFAULT_TOLERANCE_SECONDS;
            this.warn(RED._("alocity-signature.warn.bad-tolerance", substitutions));
        }
        const secret = trimmedCredential(this, "secret");
        const previousSecret = trimmedCredential(this, "previousSecret");
        this.secrets = secret === undefined ? [] : previousSecret === undefined ? [secret] : [secret, previousSecret];
    }

    RED.nodes.registerType("alocity-signature", AlocitySignature, {
        credentials: {
            secret: { type: "password" },
            previousSecret: { type: "password" },
        },
    });
};
