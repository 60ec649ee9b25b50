/**
 * The probe's HTTP endpoint ({@link ProbeHttpServer}): the status page at {@code /} ({@link StatusPage}, whose jte
 * template compiles into {@code http.templates}), {@code /metrics}, the health checks, {@code /targets},
 * {@code POST /-/reload} and {@code /probe}. It sits on top of {@code schedule}, showing its schedules and asking its
 * reloader, and nothing below it reaches back up.
 */
package dev.greetprobe.probe.http;
