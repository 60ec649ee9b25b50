package dev.greetprobe.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README says what the pair is and where to read on; the docs under {@code docs/} hold the rest, linked whole. */
class DocsTest {

  /** A README a newcomer reads through: the two commands, the map, the links. */
  private static final long README_MAX_BYTES = 10_240;

  /** A link with a scheme ({@code https:}, {@code mailto:}) leads outside the repository. */
  private static final Pattern ABSOLUTE = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");

  @Test
  void theReadmeStaysShort() throws IOException {
    assertThat(Files.size(Project.README)).as("bytes of README.md").isLessThanOrEqualTo(README_MAX_BYTES);
  }

  @Test
  void theReadmeLinksToEveryDoc() throws IOException {
    List<String> links = Markdown.read(Project.README).links();
    for (Path doc : docs()) {
      assertThat(links).as("links of README.md").contains(Project.ROOT.relativize(doc).toString());
    }
  }

  @Test
  void theDocsHoldAFileForEachAudience() throws IOException {
    assertThat(docs()).extracting(doc -> doc.getFileName().toString()).contains(
        "greeter.md", "probe.md", "operations.md", "kubernetes.md", "benchmarks.md", "design.md", "testing.md");
  }

  @Test
  void everyRelativeLinkLeadsToAFileAndEveryAnchorToAHeading() throws IOException {
    List<Path> files = new ArrayList<>(docs());
    files.add(Project.README);
    List<String> broken = new ArrayList<>();
    for (Path file : files) {
      for (String link : Markdown.read(file).links()) {
        if (!ABSOLUTE.matcher(link).find()) {
          String problem = problem(file, link);
          if (problem != null) {
            broken.add(Project.ROOT.relativize(file) + ": " + link + ": " + problem);
          }
        }
      }
    }

    assertThat(broken).as("broken links").isEmpty();
  }

  /** What is wrong with {@code link} in {@code file}, or null when it leads somewhere that exists. */
  private static String problem(Path file, String link) {
    int hash = link.indexOf('#');
    String path = hash < 0 ? link : link.substring(0, hash);
    Path target = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
    if (!target.startsWith(Project.ROOT)) {
      return "outside the repository";
    }
    if (!Files.exists(target)) {
      return "no such file";
    }
    if (hash < 0 || !target.getFileName().toString().endsWith(".md")) {
      return null;
    }
    String anchor = link.substring(hash + 1);
    return Markdown.read(target).anchors().contains(anchor) ? null
        : "no heading of " + Project.ROOT.relativize(target) + " has the anchor #" + anchor;
  }

  private static List<Path> docs() throws IOException {
    try (Stream<Path> files = Files.list(Project.DOCS)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().toList();
    }
  }
}
