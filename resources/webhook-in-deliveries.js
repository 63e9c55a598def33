// alocity-webhook-in's dialog: its Fields setting (a JSONata expression per field, parsed by the editor's jsonata,
// the library the runtime reads them with), what each expression reads from the node's last delivery, and the list
// of the node's last deliveries, each of which can be sent again as a test event.
(function () {
    window.AlocityEditor = window.AlocityEditor || {};
    if (window.AlocityEditor.webhookFields) return;
    var KEYS = ["event", "payload", "serialNumber", "name", "result", "user", "doorState", "lockState", "isConnected"];
    /** The keys read from the body; the others are read from the event's payload. */
    var BODY_KEYS = ["event", "payload"];
    var READ_PERMISSION = "alocity-webhook-in.read";

    /** Why an expression cannot be read, or undefined when it can. */
    function expressionProblem(expression) {
        try {
            window.jsonata(expression);
            return undefined;
        } catch (error) {
            return error.message;
        }
    }

    /** Why a `fields` property cannot be used, or undefined when it can: each key's expression must parse. */
    function fieldsProblem(node, fields) {
        var problem;
        KEYS.forEach(function (key) {
            var expression = fields ? fields[key] : undefined;
            if (problem || expression === undefined || expression === "") return;
            var error = typeof expression === "string" ? expressionProblem(expression) : String(expression);
            if (error !== undefined) {
                problem = node._("alocity-webhook-in.errors.field", { key: key, error: error });
            }
        });
        return problem;
    }

    /** What an expression reads from `input`, as a promise (Node-RED 4's jsonata evaluates asynchronously, 3's does not). */
    function evaluate(expression, input) {
        return new Promise(function (resolve, reject) {
            try {
                Promise.resolve(window.jsonata(expression).evaluate(input)).then(resolve, reject);
            } catch (error) {
                reject(error);
            }
        });
    }

    function inputOf(key) {
        return $("#alocity-webhook-in-field-" + key);
    }

    function expressionOf(key) {
        return String(inputOf(key).val() || "").trim();
    }

    /**
     * The Fields rows, each with what its expression reads from `last` (the node's last delivery, once it is here).
     * `unwrapEnvelope` is the runtime's reading of a body without a `payload` expression.
     */
    function prepareFields(node, unwrapEnvelope) {
        var container = $("#alocity-webhook-in-fields");
        var last;
        var shown = 0;
        KEYS.forEach(function (key) {
            var row = $('<div class="form-row">').appendTo(container);
            $("<label>")
                .attr("for", "alocity-webhook-in-field-" + key)
                .text(key)
                .appendTo(row);
            var input = $('<input type="text" style="width: calc(70% - 40px);">')
                .attr("id", "alocity-webhook-in-field-" + key)
                .val((node.fields && node.fields[key]) || "")
                .appendTo(row);
            // Node-RED's expression editor, with its JSONata reference and test panel.
            $('<button type="button" class="red-ui-button" style="margin-left: 4px;"><i class="fa fa-ellipsis-h"></i></button>')
                .attr("id", "alocity-webhook-in-field-" + key + "-expand")
                .on("click", function () {
                    RED.editor.editExpression({
                        value: input.val(),
                        complete: function (value) {
                            input.val(value.trim()).trigger("change");
                        },
                    });
                })
                .appendTo(row);
            $('<div class="form-tips alocity-webhook-in-reads" style="margin-left: 105px;">')
                .attr("id", "alocity-webhook-in-reads-" + key)
                .appendTo(row);
            input.on("change keyup", showReadings);
        });

        function show(key, text, isError) {
            $("#alocity-webhook-in-reads-" + key)
                .text(text)
                .css("color", isError ? "var(--red-ui-text-color-error, #d61717)" : "");
        }

        function showReading(generation, key, expression, input) {
            evaluate(expression, input).then(
                function (value) {
                    if (generation !== shown) return;
                    show(
                        key,
                        value === undefined
                            ? node._("alocity-webhook-in.fields.reads-nothing")
                            : node._("alocity-webhook-in.fields.reads", { value: JSON.stringify(value) }),
                    );
                },
                function (error) {
                    if (generation !== shown) return;
                    show(key, node._("alocity-webhook-in.fields.cannot-read", { error: error.message }), true);
                },
            );
        }

        function showReadings() {
            var generation = ++shown;
            var body;
            if (last !== undefined) {
                try {
                    body = JSON.parse(last.body);
                } catch {
                    $("#alocity-webhook-in-readings-source").text(node._("alocity-webhook-in.fields.not-json"));
                }
            }
            var payloadExpression = expressionOf("payload");
            var payload;
            // As the runtime reads it: the payload expression's object, else the body as the node unwraps it.
            var unwrapped = function () {
                var envelope = unwrapEnvelope(body);
                return envelope ? envelope.payload : body;
            };
            if (body !== undefined && (payloadExpression === "" || expressionProblem(payloadExpression) !== undefined)) {
                payload = Promise.resolve(unwrapped());
            } else if (body !== undefined) {
                payload = evaluate(payloadExpression, body)
                    .catch(function () {
                        return undefined;
                    })
                    .then(function (read) {
                        return $.isPlainObject(read) ? read : unwrapped();
                    });
            }
            KEYS.forEach(function (key) {
                var expression = expressionOf(key);
                var problem = expression === "" ? undefined : expressionProblem(expression);
                inputOf(key).toggleClass("input-error", problem !== undefined);
                if (problem !== undefined) {
                    return show(key, node._("alocity-webhook-in.errors.field", { key: key, error: problem }), true);
                }
                if (body === undefined || expression === "") {
                    var today = last && last.fields ? last.fields[key] : undefined;
                    return show(
                        key,
                        today === undefined ? "" : node._("alocity-webhook-in.fields.today", { value: JSON.stringify(today) }),
                    );
                }
                if (BODY_KEYS.indexOf(key) !== -1) {
                    return showReading(generation, key, expression, body);
                }
                payload.then(function (scope) {
                    showReading(generation, key, expression, scope);
                });
            });
        }

        showReadings();
        return {
            /** The node's last delivery arrived (undefined: it has none). */
            lastDelivery: function (delivery) {
                last = delivery;
                var source = delivery
                    ? node._("alocity-webhook-in.fields.source", {
                          time: new Date(delivery.receivedAt).toLocaleTimeString(),
                          event: delivery.event,
                      })
                    : node._("alocity-webhook-in.fields.no-delivery");
                $("#alocity-webhook-in-readings-source").text(source);
                showReadings();
            },
        };
    }

    /** The Fields as the node saves them: the keys with an expression, in their order. */
    function savedFields() {
        var fields = {};
        KEYS.forEach(function (key) {
            if (expressionOf(key) !== "") {
                fields[key] = expressionOf(key);
            }
        });
        return fields;
    }

    /** Lists the node's last deliveries, newest first, and tells `arrived` the last one (undefined when none). */
    function prepareDeliveries(node, arrived) {
        var list = $("#alocity-webhook-in-deliveries");
        if (!RED.user.hasPermission(READ_PERMISSION)) {
            $("#alocity-webhook-in-deliveries-row").hide();
            return arrived(undefined);
        }
        var say = function (text) {
            $('<div class="form-tips">').text(text).appendTo(list);
        };
        $.getJSON("alocity-webhook-in/" + encodeURIComponent(node.id) + "/deliveries")
            .done(function (answer) {
                if (answer.deliveries.length === 0) {
                    say(node._("alocity-webhook-in.deliveries.none"));
                }
                answer.deliveries.forEach(function (delivery) {
                    deliveryRow(node, delivery).appendTo(list);
                });
                arrived(answer.deliveries[0]);
            })
            .fail(function (jqXHR) {
                var answer = jqXHR.responseJSON || {};
                if (answer.message) {
                    say(answer.message);
                } else if (jqXHR.status === 401 || jqXHR.status === 403) {
                    say(node._("alocity-webhook-in.deliveries.forbidden"));
                } else {
                    say(node._("alocity-webhook-in.deliveries.failed", { status: jqXHR.status || "-" }));
                }
                arrived(undefined);
            });
    }

    /** One delivery: when, the event and how it was told, its warnings; its fields and body shown on demand. */
    function deliveryRow(node, delivery) {
        var row = $('<div class="alocity-webhook-in-delivery" style="margin-bottom: 6px;">');
        var summary = $("<div>").appendTo(row);
        $("<span>").text(new Date(delivery.receivedAt).toLocaleString()).appendTo(summary);
        $("<code style='margin: 0 6px;'>").text(delivery.event).appendTo(summary);
        $("<span>")
            .text(node._("alocity-webhook-in.deliveries.identified-by", { by: delivery.identifiedBy }))
            .appendTo(summary);
        if (delivery.warnings.length > 0) {
            $("<span style='margin-left: 6px; color: var(--red-ui-text-color-warning, #b36b00);'>")
                .text(node._("alocity-webhook-in.deliveries.warnings", { count: delivery.warnings.length }))
                .appendTo(summary);
        }
        var details = $("<div style='display: none;'>").appendTo(row);
        delivery.warnings.forEach(function (warning) {
            $("<div class='form-tips'>").text(warning).appendTo(details);
        });
        $("<div>")
            .text(node._("alocity-webhook-in.deliveries.fields-read", { fields: JSON.stringify(delivery.fields) }))
            .appendTo(details);
        $("<pre class='alocity-webhook-in-delivery-body' style='max-height: 160px; overflow: auto; white-space: pre-wrap;'>")
            .text(delivery.body)
            .appendTo(details);
        $("<button type='button' class='red-ui-button red-ui-button-small' style='margin-left: 6px;'>")
            .text(node._("alocity-webhook-in.label.show-delivery"))
            .on("click", function () {
                details.toggle();
            })
            .appendTo(summary);
        $("<button type='button' class='red-ui-button red-ui-button-small alocity-webhook-in-use-as-test' style='margin-left: 6px;'>")
            .text(node._("alocity-webhook-in.label.use-as-test"))
            .prop("disabled", Boolean(RED.nodes.subflow(node.z)))
            .on("click", function () {
                window.AlocityEditor.sendTestEvent(node, { body: delivery.body });
            })
            .appendTo(summary);
        return row;
    }

    window.AlocityEditor.webhookFields = {
        problem: fieldsProblem,
        prepare: function (node, unwrapEnvelope) {
            var fields = prepareFields(node, unwrapEnvelope);
            prepareDeliveries(node, fields.lastDelivery);
        },
        saved: savedFields,
    };
})();
