/**
 * Who may stay, decided before any TLS or greeting work: {@link AdmissionControl} asks the {@link AccessPolicy}, the
 * {@link SourceRateLimiter} and the count of {@link OpenConnections}, and counts a refusal by its reason. One instance
 * serves every event loop and both transports, so the limits hold for the process.
 */
package dev.greetprobe.greeter.admission;
