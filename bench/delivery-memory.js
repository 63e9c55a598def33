"use strict";
// The delivery memory on its own: what DeliveryMemory.remember() costs while the memory fills and once it is at its
// cap (DELIVERY_MEMORY_LIMIT), measured in this process with the package's own class. O(1) per call means the same.
// Also on its own: node bench/delivery-memory.js
const crypto = require("crypto");
const path = require("path");
const { DeliveryMemory, DELIVERY_MEMORY_LIMIT } = require(
    path.join(__dirname, "..", "dist", "src", "core", "webhook", "delivery-memory.js"),
);

const { median } = require("./load");
const { formatCheck } = require("./report");

const BLOCK = 2000;

/**
 * @param {number} [blocksAtCap] how many blocks of 2,000 calls to time once the memory is full
 * @returns {{ limit, size, fillingMicros, atCapMicros, ratio }} median microseconds per remember() call
 */
function measureDeliveryMemory(blocksAtCap = 15) {
    const limit = DELIVERY_MEMORY_LIMIT;
    const total = limit + blocksAtCap * BLOCK;
    const signatures = Array.from({ length: total }, (_, i) => crypto.createHash("sha256").update(`event ${i}`).digest("base64"));
    const memory = new DeliveryMemory();
    const now = Date.now();
    const t = Math.floor(now / 1000);
    let next = 0;
    const timeBlock = () => {
        const start = process.hrtime.bigint();
        for (let i = 0; i < BLOCK; i++, next++) {
            memory.remember(t, signatures[next], 300, now);
        }
        return Number(process.hrtime.bigint() - start) / 1000 / BLOCK;
    };
    const filling = [];
    while (next + BLOCK <= limit) filling.push(timeBlock());
    const atCap = [];
    while (next + BLOCK <= total) atCap.push(timeBlock());
    if (memory.size > limit) {
        throw new Error(`the delivery memory holds ${memory.size} entries, over its cap of ${limit}`);
    }
    // The first blocks include the JIT warming up: leave them out of the filling figure.
    const fillingMicros = median(filling.slice(1));
    const atCapMicros = median(atCap);
    return { limit, size: memory.size, fillingMicros, atCapMicros, ratio: atCapMicros / fillingMicros };
}

/** Measured in the bench once every server has stopped, so that nothing else takes the CPU. */
function deliveryMemoryReport() {
    const memory = measureDeliveryMemory();
    return {
        lines: [
            `delivery memory (DeliveryMemory.remember, in-process): ${memory.fillingMicros.toFixed(2)} us per call while it fills, ` +
                `${memory.atCapMicros.toFixed(2)} us at its cap of ${memory.limit} (${memory.size} held)`,
        ],
        checks: [
            ["delivery memory O(1): no dearer at its cap than while it fills (<= 2x)", memory.ratio <= 2, `${memory.ratio.toFixed(1)}x`],
        ],
        figures: { deliveryMemory: memory },
    };
}

if (require.main === module) {
    const { lines, checks } = deliveryMemoryReport();
    console.log([...lines, ...checks.map(formatCheck)].join("\n"));
}

module.exports = { deliveryMemoryReport };
