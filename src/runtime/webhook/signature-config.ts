import { DEFAULT_TOLERANCE_SECONDS } from "../../core/webhook/signature";
import type { NodeDef, NodeRedNode } from "../shared/node-red";

export interface AlocitySignatureDef extends NodeDef {
    tolerance?: number | string;
}

/** The runtime side of an alocity-signature config node, as the receiving nodes see it. */
export interface AlocitySignatureNode extends NodeRedNode {
    /** Seconds; 0: the timestamp check is off. */
    tolerance: number;
    /** The keys a signature may be made with: the secret, then the previous secret; empty when none is set. */
    secrets: string[];
}

export function parseTolerance(value: unknown): number | undefined {
    if (value === undefined || value === null || value === "") {
        return DEFAULT_TOLERANCE_SECONDS;
    }
    const seconds = Number(value);
    return Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
}
