/**
 * The probe's metrics, defined in one place ({@link ProbeMetrics}): the series of each target in the registry that
 * {@code /metrics} serves, and the text a one-off {@code /probe} answers with. It turns the outcomes of {@code net}
 * into series and knows nothing of when or how probes run.
 */
package dev.greetprobe.probe.metrics;
