/**
 * The greeting port's TLS context ({@link TlsCertificates}), read from PEM files and read again as they change, for the
 * pipeline's handshakes on either transport.
 */
package dev.greetprobe.greeter.tls;
