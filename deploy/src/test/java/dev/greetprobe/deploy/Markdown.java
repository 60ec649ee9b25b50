package dev.greetprobe.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The headings and links of a Markdown file, read as GitHub renders it: text in code blocks and code spans is neither
 * a heading nor a link, and a heading's anchor is GitHub's slug of its text.
 *
 * @param headings every ATX heading, in order
 * @param links the destination of every inline link and image, in order
 */
record Markdown(List<Heading> headings, List<String> links) {

  /** One heading: its level (the number of {@code #}) and its text as written. */
  record Heading(int level, String text) {
  }

  private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})");
  private static final Pattern HEADING = Pattern.compile("^ {0,3}(#{1,6})[ \\t]+(.*?)(?:[ \\t]+#+)?[ \\t]*$");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1", Pattern.DOTALL);
  /** {@code [text](destination "title")} or {@code ![alt](destination)}; the text may wrap over lines. */
  private static final Pattern LINK =
      Pattern.compile("\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\)");
  /** What GitHub keeps of a heading's text in its anchor: letters, marks, numbers, connectors, spaces, hyphens. */
  private static final Pattern NOT_IN_SLUG = Pattern.compile("[^\\p{L}\\p{M}\\p{N}\\p{Pc} -]");

  static Markdown read(Path file) {
    return parse(Project.read(file));
  }

  static Markdown parse(String text) {
    List<Heading> headings = new ArrayList<>();
    StringBuilder prose = new StringBuilder();
    String fence = null;
    for (String line : text.split("\n", -1)) {
      Matcher f = FENCE.matcher(line);
      if (fence == null && f.find()) {
        fence = f.group(1);
      } else if (fence != null) {
        if (f.find() && f.group(1).charAt(0) == fence.charAt(0) && f.group(1).length() >= fence.length()
            && line.strip().equals(f.group(1))) {
          fence = null;
        }
      } else {
        Matcher h = HEADING.matcher(line);
        if (h.matches()) {
          headings.add(new Heading(h.group(1).length(), h.group(2)));
        }
        prose.append(line).append('\n');
      }
    }
    List<String> links = new ArrayList<>();
    Matcher link = LINK.matcher(CODE_SPAN.matcher(prose).replaceAll(""));
    while (link.find()) {
      links.add(link.group(1));
    }
    return new Markdown(List.copyOf(headings), List.copyOf(links));
  }

  /**
   * The anchor of each heading, in the order of {@link #headings}: its slug, a repeated one numbered from {@code -1}
   * on, as GitHub does.
   */
  List<String> anchors() {
    List<String> anchors = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Heading heading : headings) {
      String slug = slug(heading.text());
      int repeat = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(repeat == 0 ? slug : slug + "-" + repeat);
    }
    return anchors;
  }

  /** GitHub's anchor for a heading: its text as shown (link targets and code marks dropped), lowercased. */
  static String slug(String heading) {
    String shown = LINK.matcher(heading).replaceAll(m -> Matcher.quoteReplacement(
        m.group().substring(1, m.group().lastIndexOf("]("))));
    return NOT_IN_SLUG.matcher(shown.toLowerCase(Locale.ROOT)).replaceAll("").replace(' ', '-');
  }
}
