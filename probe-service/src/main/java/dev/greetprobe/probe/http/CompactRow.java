package dev.greetprobe.probe.http;

import dev.greetprobe.probe.net.Printable;
import dev.greetprobe.probe.net.ProbeResult;
import java.util.List;

/**
 * One target on one line, for a page of many: its state, its name, why it is down, and the strip of its results. What
 * the full row spreads over several lines is left to hovering: the address over the name, the last probe's detail over
 * the reason.
 *
 * @param address the target's address, for hovering over its name
 * @param reason the result's label when down, as in {@code connect_refused}; empty otherwise
 * @param detail what the last probe said, from the network, made {@link Printable}; empty before the first
 * @param strip the history, one cell per result, the newest on the right
 * @param stripWidth the strip's width in the units of its view box: room for a full history
 */
public record CompactRow(String name, String address, StatusView.State state, String reason, String detail,
    List<StatusView.Cell> strip, int stripWidth) {

  static CompactRow of(StatusView.Entry entry) {
    ProbeResult last = entry.last();
    StatusView.State state = entry.state();
    int capacity = entry.history().capacity();
    return new CompactRow(entry.target().name(), entry.target().address().toString(), state,
        state == StatusView.State.DOWN ? last.result().label() : "",
        last == null ? "" : Printable.escape(last.detail()),
        StatusView.strip(entry.history().snapshot(), capacity), capacity * StatusView.CELL_PITCH);
  }
}
