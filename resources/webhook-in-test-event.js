// alocity-webhook-in's dialog: its Send test event row, and sending a test event through the deployed node (a sample
// of an event, or a delivery the node received, sent again: "Use as test event").
(function () {
    window.AlocityEditor = window.AlocityEditor || {};
    if (window.AlocityEditor.sendTestEvent) return;

    function escapeHtml(text) {
        return $("<div>").text(String(text)).html();
    }

    /**
     * Asks the runtime (src/runtime/editor/send-test-event.ts) to sign `request` with the deployed node's secret and
     * send it through the node: `{ event, fields }`, a sample, or `{ body }`, a delivery's body sent again.
     */
    function sendTestEvent(node, request) {
        var signatureNode = RED.nodes.node(node.signature);
        var undeployed = node.changed || (signatureNode && signatureNode.changed);
        var resending = request.body !== undefined;
        $.ajax({
            url: "alocity-webhook-in/" + encodeURIComponent(node.id) + "/test",
            type: "POST",
            data: JSON.stringify(request),
            contentType: "application/json; charset=utf-8",
            dataType: "json",
            success: function (answer) {
                // A repeat of a delivery already accepted is answered 200 but not emitted: never shown as a success.
                var repeat = answer.delivery === "duplicate";
                var emitted = answer.status >= 200 && answer.status < 300 && !repeat;
                var key = resending
                    ? repeat
                        ? "alocity-webhook-in.test.resent-duplicate"
                        : "alocity-webhook-in.test.resent"
                    : repeat
                      ? "alocity-webhook-in.test.duplicate"
                      : "alocity-webhook-in.test.sent";
                var text = escapeHtml(node._(key, answer));
                if (undeployed) {
                    text += "<br>" + escapeHtml(node._("alocity-webhook-in.test.undeployed-changes"));
                }
                var type = emitted ? (undeployed ? "warning" : "success") : repeat ? "warning" : "error";
                RED.notify(text, { type: type, timeout: emitted ? 3000 : 8000 });
            },
            error: function (jqXHR, textStatus) {
                var answer = jqXHR.responseJSON || {};
                var message;
                if (answer.error) {
                    message = answer.message || node._("alocity-webhook-in.test." + answer.error);
                } else if (jqXHR.status === 401 || jqXHR.status === 403) {
                    message = node._("alocity-webhook-in.test.forbidden");
                } else if (jqXHR.status === 0) {
                    message = RED._("node-red:common.notification.errors.no-response");
                } else {
                    message = node._("alocity-webhook-in.test.failed", { status: jqXHR.status, message: textStatus });
                }
                RED.notify(RED._("node-red:common.notification.error", { message: escapeHtml(message) }), "error");
            },
        });
    }

    /** The test row: the events, and for the chosen one the serial number and main field it can set. */
    function prepareTestEvent(node, known) {
        var testEvent = $("#alocity-webhook-in-test-event");
        var serial = $("#alocity-webhook-in-test-serial");
        var value = $("#alocity-webhook-in-test-value");
        known.events.forEach(function (code) {
            $("<option>").val(code).text(code).appendTo(testEvent);
        });
        var showFields = function () {
            var event = testEvent.val();
            var field = known.fields[event];
            var examples = known.values[event] || [];
            serial.prop("disabled", event === "user.card" || event === "user.face");
            value.attr("placeholder", field + (examples.length > 0 ? " (" + examples.slice(0, 2).join(", ") + ")" : ""));
        };
        testEvent.on("change", showFields);
        testEvent.val(known.events.indexOf(node.event) === -1 ? known.events[0] : node.event);
        showFields();
        $("#alocity-webhook-in-test-send").on("click", function () {
            var event = testEvent.val();
            var fields = {};
            if (!serial.prop("disabled") && serial.val().trim() !== "") {
                fields.serialNumber = serial.val().trim();
            }
            if (value.val().trim() !== "") {
                fields[known.fields[event]] = value.val().trim();
            }
            sendTestEvent(node, $.isEmptyObject(fields) ? { event: event } : { event: event, fields: fields });
        });
    }

    window.AlocityEditor.sendTestEvent = sendTestEvent;
    window.AlocityEditor.prepareTestEvent = prepareTestEvent;
})();
