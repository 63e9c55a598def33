/**
 * A small seeded pseudo-random source: the same seed gives the same numbers on every machine and every Node.js.
 * For simulations and tests, never for anything secret. Knows nothing of Node-RED.
 */

export interface SeededRandom {
    /** A number in [0, 1). */
    next(): number;
    /** A number in [min, max). */
    between(min: number, max: number): number;
    /** A whole number in [min, max]. */
    integer(min: number, max: number): number;
    /** One of the items. */
    pick<T>(items: readonly T[]): T;
    /** A shuffled copy of the items. */
    shuffled<T>(items: readonly T[]): T[];
    /** A version 4 UUID made of this source's numbers. */
    uuid(): string;
}

/** The seed's text as a 32-bit number (FNV-1a over its UTF-16 code units). */
function seedNumber(seed: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < seed.length; i++) {
        hash ^= seed.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
}

/** Mulberry32: a 32-bit state, a full period of 2^32, good enough to make up a building's day. */
export function seededRandom(seed: string): SeededRandom {
    let state = seedNumber(seed);
    const next = (): number => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const integer = (min: number, max: number): number => min + Math.floor(next() * (max - min + 1));
    const hex = (digits: number): string => Array.from({ length: digits }, () => integer(0, 15).toString(16)).join("");
    return {
        next,
        between: (min, max) => min + next() * (max - min),
        integer,
        pick: (items) => items[Math.floor(next() * items.length)],
        shuffled: (items) => {
            const copy = items.slice();
            for (let i = copy.length - 1; i > 0; i--) {
                const j = integer(0, i);
                [copy[i], copy[j]] = [copy[j], copy[i]];
            }
            return copy;
        },
        uuid: () => `${hex(8)}-${hex(4)}-4${hex(3)}-${"89ab"[integer(0, 3)]}${hex(3)}-${hex(12)}`,
    };
}
