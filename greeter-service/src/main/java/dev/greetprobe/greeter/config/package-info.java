/**
 * The greeter's settings: {@link GreeterConfig} reads and validates them once, at start, into immutable records, and
 * hands each part of the greeter only the part it reads (its {@code Listening}, {@code Connection}, {@code Admission},
 * {@code Tls} and {@code Http}). It depends on no other package of the greeter.
 */
package dev.greetprobe.greeter.config;
