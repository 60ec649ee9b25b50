/**
 * The probe's entry points and its wiring: {@link ProbeMain} (the command line),
 * {@link CheckCommand} (one probe, printed) and {@link ProbeService}, which
 * builds the probe from its config and chooses the transport. Only this package knows all the others: each of them is
 * handed what it needs here, so none has to reach up for it.
 */
package dev.greetprobe.probe;
