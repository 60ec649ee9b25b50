package dev.greetprobe.probe.net;

/** A phase's failure on its way to becoming a {@link ProbeResult}; no stack trace, as failing is a normal outcome. */
final class ProbeFailure extends RuntimeException {

  final Result result;

  ProbeFailure(Result result, String detail) {
    super(detail, null, false, false);
    this.result = result;
  }
}
