/**
 * Traces out of the gateway: Kong's {@code opentelemetry} plugin on the OpenTelemetry Java SDK
 * (its tracer, batch span processor and OTLP/HTTP exporter; its propagators for the trace-context
 * formats). The request path sees only {@code runtime.RequestTrace}.
 */
package com.gitinsight.gateway.tracing;
