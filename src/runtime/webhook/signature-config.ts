import type { NodeDef, NodeRedNode } from "../shared/node-red";

export interface AlocitySignatureDef extends NodeDef {
    tolerance?: number | string;
}

/** The runtime side of an alocity-signature config node, as the receiving nodes see it. */
export interface AlocitySignatureNode extends NodeRedNode {
    /** Seconds; 0: the timestamp check is off; undefined: refused (over MAX_TOLERANCE_SECONDS), nothing verifies. */
    tolerance: number | undefined;
    /** The keys a signature may be made with: the secret, then the previous secret; empty when none is set. */
    secrets: string[];
}
