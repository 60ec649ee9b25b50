package dev.greetprobe.probe.config;

import java.util.Locale;

/** The steps of one probe, in order; each is timed on its own. */
public enum Phase {
  RESOLVE,
  CONNECT,
  TLS,
  FIRST_BYTE;

  /** The {@code phase} label value. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
