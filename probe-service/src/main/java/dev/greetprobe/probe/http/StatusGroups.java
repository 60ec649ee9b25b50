package dev.greetprobe.probe.http;

import dev.greetprobe.common.ConfigException;
import dev.greetprobe.probe.http.StatusView.Entry;
import dev.greetprobe.probe.http.StatusView.State;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The status page's targets in groups, by the value of one of their labels ({@code ?group=team}): each group counted
 * up, down and pending over all of this instance's targets, whatever the filter, and the groups with a target down
 * first. Every text here is plain: the template escapes it.
 *
 * @param label the label grouped by; empty when the page is not grouped
 * @param names every label name the targets carry, to offer for grouping
 * @param problem why the page is not grouped by the label asked for, for people; empty when it is, or none was asked
 * @param groups the groups in the page's order
 * @param headers the groups that start on the page, by the name of the target whose row starts them
 */
public record StatusGroups(String label, SortedSet<String> names, String problem, List<Group> groups,
    Map<String, Group> headers) {

  /**
   * The targets whose label has one value.
   *
   * @param rank the group's place on the page, from 0
   */
  public record Group(String value, int up, int down, int pending, int rank) {

    /** What the group's heading says of its targets, as {@code 1 down · 0 pending · 2 up}. */
    public String counts() {
      return down + " down · " + pending + " pending · " + up + " up";
    }
  }

  /** Groups {@code entries} (all of this instance's targets) by the value of {@code label}; none when it is empty. */
  static StatusGroups of(String label, List<Entry> entries) {
    SortedSet<String> names = new TreeSet<>();
    entries.forEach(entry -> names.addAll(entry.target().labels().values().keySet()));
    if (label.isEmpty()) {
      return new StatusGroups("", names, "", List.of(), Map.of());
    }
    if (!names.contains(label)) {
      String known = names.isEmpty() ? "the targets carry no labels" : "their labels are " + String.join(", ", names);
      return new StatusGroups("", names, "No target carries the label " + ConfigException.quote(label)
          + " to group by; " + known + ".", List.of(), Map.of());
    }
    Map<String, int[]> counts = new TreeMap<>();
    for (Entry entry : entries) {
      counts.computeIfAbsent(value(entry, label), value -> new int[State.values().length])[entry.state().ordinal()]++;
    }
    // Down first, then by value: the groups that need someone are read before the ones that do not.
    List<Map.Entry<String, int[]>> ordered = counts.entrySet().stream()
        .sorted(Comparator.comparing(group -> group.getValue()[State.DOWN.ordinal()] == 0))
        .toList();
    List<Group> groups = new ArrayList<>(ordered.size());
    for (Map.Entry<String, int[]> group : ordered) {
      int[] count = group.getValue();
      groups.add(new Group(group.getKey(), count[State.UP.ordinal()], count[State.DOWN.ordinal()],
          count[State.PENDING.ordinal()], groups.size()));
    }
    return new StatusGroups(label, names, "", List.copyOf(groups), Map.of());
  }

  /** Whether the page is grouped. */
  public boolean grouped() {
    return !label.isEmpty();
  }

  /** The group {@code target}'s row starts on the page, or null when its row is not the first of its group there. */
  public Group header(String target) {
    return headers.get(target);
  }

  /** The order of the page's rows: by group when grouped, in the groups' order; as equal when not. */
  Comparator<Entry> order() {
    if (!grouped()) {
      return (a, b) -> 0;
    }
    Map<String, Integer> ranks = new HashMap<>();
    groups.forEach(group -> ranks.put(group.value(), group.rank()));
    return Comparator.comparing(entry -> ranks.get(value(entry, label)));
  }

  /** These groups with the headings of the page whose rows are {@code page}, in order. */
  StatusGroups onPage(List<Entry> page) {
    if (!grouped()) {
      return this;
    }
    Map<String, Group> byValue = new HashMap<>();
    groups.forEach(group -> byValue.put(group.value(), group));
    Map<String, Group> starts = new HashMap<>();
    String previous = null;
    for (Entry entry : page) {
      String value = value(entry, label);
      if (!value.equals(previous)) {
        starts.put(entry.target().name(), byValue.get(value));
      }
      previous = value;
    }
    return new StatusGroups(label, names, problem, groups, Map.copyOf(starts));
  }

  /** {@code entry}'s value of {@code label}: every target of a config carries the same names, so each has one. */
  private static String value(Entry entry, String label) {
    return entry.target().labels().values().getOrDefault(label, "");
  }
}
