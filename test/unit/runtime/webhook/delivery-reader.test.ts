import assert from "assert";
import { expressionError } from "../../../../src/runtime/webhook/delivery-reader";

describe("delivery reader: an expression's failure in the log", function () {
    it("names JSONata's error code and position, never the delivery's values its words quote", function () {
        const error = { code: "D3030", position: 8, token: "number", message: 'Unable to cast value to a number: "ALO-SECRET"' };
        assert.strictEqual(expressionError(error), "JSONata error D3030 at position 8");
        assert.strictEqual(expressionError({ code: "T0410", message: "Argument 1 of function substring" }), "JSONata error T0410");
    });

    it("gives the words of the package's own errors (an expression without an answer)", function () {
        assert.strictEqual(expressionError(new Error("no answer within 10 s")), "no answer within 10 s");
        assert.strictEqual(expressionError("odd"), "odd");
    });
});
