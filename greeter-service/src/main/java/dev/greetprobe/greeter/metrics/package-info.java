/**
 * The greeter's own meters, every name, unit and label in {@link GreeterMetrics}, and the reasons a connection is
 * refused ({@link Rejection}), logged at a bounded rate ({@link RejectionLog}).
 */
package dev.greetprobe.greeter.metrics;
