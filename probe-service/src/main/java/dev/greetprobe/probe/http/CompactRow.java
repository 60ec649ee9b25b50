package dev.greetprobe.probe.http;

import dev.greetprobe.probe.net.Printable;
import dev.greetprobe.probe.net.ProbeResult;
import dev.greetprobe.probe.net.Result;
import dev.greetprobe.probe.schedule.ResultHistory;
import java.util.ArrayList;
import java.util.List;

/**
 * One target on one line, for a page of many: its state, its name, why it is down, and the strip of its results. What
 * the full row spreads over several lines is left to hovering: the address over the name, the last probe's detail over
 * the reason. The strip draws each run of like results as one bar, where the full row draws a cell a result: a target
 * is mostly one long run, so a page of many stays a few elements a row.
 *
 * @param address the target's address, for hovering over its name
 * @param reason the result's label when down, as in {@code connect_refused}; empty otherwise
 * @param detail what the last probe said, from the network, made {@link Printable}; empty before the first
 * @param strip the history, one cell per run of like results, the newest on the right
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
        runs(entry.history().snapshot(), capacity), capacity * StatusView.CELL_PITCH);
  }

  /** A cell for each run of like results of {@code history}, kept in a ring of {@code capacity}. */
  static List<StatusView.Cell> runs(ResultHistory.Snapshot history, int capacity) {
    List<StatusView.Cell> runs = new ArrayList<>();
    int size = history.size();
    for (int first = 0, last; first < size; first = last + 1) {
      Result result = history.result(first);
      last = first;
      while (last + 1 < size && history.result(last + 1) == result) {
        last++;
      }
      int count = last - first + 1;
      String title = count == 1
          ? StatusView.time(history.finishedAt(first)) + " · " + result.label() + " · "
              + StatusView.millis(history.duration(first))
          : StatusView.time(history.finishedAt(first)) + " to " + StatusView.time(history.finishedAt(last)) + " · "
              + count + " × " + result.label();
      runs.add(new StatusView.Cell(result.label(), result == Result.SUCCESS,
          (capacity - size + first) * StatusView.CELL_PITCH,
          (count - 1) * StatusView.CELL_PITCH + StatusView.CELL_WIDTH, title));
    }
    return List.copyOf(runs);
  }
}
