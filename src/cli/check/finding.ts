/** What `alocity-webhook check` found: whether the URL reached the node, one line saying what, and the details. */
export interface Finding {
    /** Exit status 0: the URL reached alocity-webhook-in (with a secret: it verified the signed check delivery). */
    reached: boolean;
    /** Which case it is, named for tests and scripts (printed as "[kind]" at the end of the details). */
    kind: string;
    headline: string;
    details: string[];
}

export function writeFinding(finding: Finding, out: NodeJS.WritableStream): void {
    out.write(`${finding.headline}\n`);
    for (const detail of [...finding.details, `[${finding.kind}]`]) {
        out.write(`  ${detail}\n`);
    }
}

/** The first characters of a body, on one line. */
export function bodyStart(body: string, length = 200): string {
    const text = body
        .replace(/<[^>]*>/g, " ")
        .replace(/\s+/g, " ")
        .trim();
    return text.length > length ? `${text.slice(0, length)}...` : text;
}
