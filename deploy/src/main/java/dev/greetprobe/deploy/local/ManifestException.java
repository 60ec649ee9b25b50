package dev.greetprobe.deploy.local;

/** A rendered manifest that the local runner cannot run as written: the message names the field and why. */
public final class ManifestException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  ManifestException(String message) {
    super(message);
  }
}
